/** Whatever goes wrong, the CLI prints located one-line messages and an exit code, never a stack trace. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { failed, run } from "../../src/cli/main.js";

async function cli(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await run(args, (s) => void (stdout += s), (s) => void (stderr += s));
  return { code, stdout, stderr };
}

function inProject(files: { spec: string; goMod?: string }, fn: (dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "slimgo-cli-"));
    try {
      writeFileSync(join(dir, "go.mod"), files.goMod ?? "module example.com/app\n\ngo 1.24\n");
      writeFileSync(join(dir, "slimgo.yaml"), files.spec);
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

// Each of these used to escape `check` as a RangeError or TypeError with its stack.
const crashers: Array<{ name: string; spec: string; goMod?: string; stderr: string }> = [
  { name: "a self-referencing alias", spec: "x: &a [*a]\n", stderr: "slimgo.yaml:1:8: alias *a is inside the value &a names, so that value would never end (move the alias out of &a)\n" },
  { name: "an alias key without anchor", spec: "*a : x\n", stderr: "slimgo.yaml:1:1: alias *a has no anchor &a before it\n" },
  { name: "a module path beyond Unicode", spec: "main: .\n", goMod: 'module "example.com/\\U00110000"\n', stderr: 'go.mod:1:21: escape "\\U00110000" is not a Unicode character\n' },
];

for (const c of crashers) {
  test(
    `check with ${c.name} prints the located problem and exits 1`,
    inProject(c, async (dir) => {
      assert.deepEqual(await cli("check", dir), { code: 1, stdout: "", stderr: c.stderr });
    }),
  );
}

test("an unexpected error is one line asking for a report, exit code 1", () => {
  const lines: string[] = [];
  assert.equal(
    failed(new TypeError("Cannot read properties of null (reading 'range')\n    at somewhere"), (s) => void lines.push(s)),
    1,
  );
  assert.deepEqual(lines, [
    "slimgo: internal error: TypeError: Cannot read properties of null (reading 'range') at somewhere (this is a bug in slimgo; please report it with the command and the files it read)\n",
  ]);
  lines.length = 0;
  failed("a string", (s) => void lines.push(s));
  assert.match(lines[0] as string, /^slimgo: internal error: a string \(this is a bug/);
});

test("a file the system refuses is named without a stack trace, also from a command that waits", async () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-cli-"));
  try {
    // size reads the file asynchronously; its EISDIR used to reject run()'s promise.
    const r = await cli("size", dir);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "slimgo: EISDIR: illegal operation on a directory, read\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  "the slimgo process itself prints the one line and exits 1",
  inProject({ spec: "x: &a [{y: [*a]}]\n" }, async (dir) => {
    const entry = new URL("../../src/cli/entry.ts", import.meta.url).pathname;
    const r = spawnSync(process.execPath, ["--import", "tsx", entry, "check", dir], { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, "slimgo.yaml:1:13: alias *a is inside the value &a names, so that value would never end (move the alias out of &a)\n");
  }),
);
