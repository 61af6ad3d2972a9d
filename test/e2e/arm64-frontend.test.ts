/**
 * The frontend image for arm64 nodes (Graviton, Apple silicon), built as `make release` builds it: from
 * Debian's arm64 nodejs packages without QEMU, its startup snapshot written under qemu-user; then its own
 * node, started as its ENTRYPOINT says, run under qemu-user (no binfmt) against the fake gateway from Ping to
 * Return, the way an arm64 BuildKit would start it.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { readElf } from "../../src/elf/index.js";
import { run } from "../support/docker.js";
import { buildTestBinaries, runFrontend } from "../support/frontend-process.js";

const TAG = `slimgo-e2e-arm64:${process.pid}`;
const FIXTURE = resolve("test/fixtures/projects/plain");
/** qemu-user runs arm64 node about ten times slower than native. */
const QEMU_DEADLINE_MS = 120_000;

let work: string;
let root: string;
let entrypoint: string[];

before(async () => {
  for (const [tool, pkg] of [["qemu-aarch64", "qemu-user"], ["mmdebstrap", "mmdebstrap"]] as const) {
    if ((await run("sh", ["-c", `command -v ${tool}`])).code !== 0) throw new Error(`${tool} is missing: apt-get install ${pkg} (make buildkit installs it)`);
  }
  buildTestBinaries();
  work = mkdtempSync(join(tmpdir(), "slimgo-arm64-"));
  const step = async (cmd: string, args: string[]) => {
    const r = await run(cmd, args);
    assert.equal(r.code, 0, `${cmd} ${args.join(" ")}:\n${r.stderr.slice(-3000)}`);
    return r.stdout;
  };
  await step("node", ["scripts/bundle.mjs"]);
  await step("bash", ["scripts/frontend-image/node-tree.sh", "arm64", join(work, "tree")]);
  await step("bash", ["scripts/frontend-image/arm64-snapshot.sh", join(work, "tree"), join(work, "snapshot")]);
  await step("docker", [
    "buildx", "build", "-q", "--platform", "linux/arm64",
    "--build-context", `slimgo-node-tree-arm64=${join(work, "tree")}`, "--build-arg", "NODE_TREE_ARM64=slimgo-node-tree-arm64",
    "--build-context", `slimgo-snapshot-arm64=${join(work, "snapshot")}`, "--build-arg", "ARM64_START=snapshot",
    "--output", `type=image,name=${TAG}`, ".",
  ]);
  entrypoint = JSON.parse(await step("docker", ["image", "inspect", TAG, "--format", "{{json .Config.Entrypoint}}"])) as string[];
  const id = (await step("docker", ["create", "--platform", "linux/arm64", TAG])).trim();
  root = join(work, "root");
  mkdirSync(root);
  try {
    await step("sh", ["-c", `docker export ${id} | tar -x -C '${root}'`]);
  } finally {
    await run("docker", ["rm", id]);
  }
});

after(async () => {
  if (work) rmSync(work, { recursive: true, force: true });
  await run("docker", ["image", "rm", "-f", TAG]);
});

test("the arm64 image holds an arm64 node, its loader and the snapshot its ENTRYPOINT starts from", () => {
  const node = readElf(readFileSync(join(root, "usr/bin/node")));
  assert.equal(node.arch, "arm64");
  assert.ok(node.interpreter && existsSync(join(root, node.interpreter)), `loader ${node.interpreter} missing`);
  assert.deepEqual(entrypoint, ["/usr/bin/node", "--max-semi-space-size=1", "--snapshot-blob", "/slimgo/frontend.blob"]);
  assert.ok(existsSync(join(root, "slimgo/frontend.blob")));
});

test("the arm64 image's node under qemu-user answers a build from Ping to Return", async () => {
  // qemu-user's -L finds the loader and libraries in the image; files the program names are given in it too.
  const args = entrypoint.slice(1).map((a) => (a.startsWith("/") && existsSync(join(root, a)) ? join(root, a) : a));
  const out = await runFrontend(
    { spec: "# syntax=slimgo:dev\nmain: ./cmd/plain\n", goMod: readFileSync(`${FIXTURE}/go.mod`, "utf8") },
    { command: { file: "qemu-aarch64", args: ["-L", root, join(root, entrypoint[0] as string), ...args] }, deadlineMs: QEMU_DEADLINE_MS },
  );
  assert.equal(out.exitCode, 0, out.stderr);
  assert.equal(out.returned.error, undefined, out.stderr);
  assert.equal(out.returned.result?.result.case, "ref");
  const config = JSON.parse(new TextDecoder().decode(out.returned.result?.metadata["containerimage.config"]));
  assert.deepEqual(config.config.Entrypoint, ["/usr/local/bin/plain"]);
  assert.match(out.stderr, /returned to BuildKit/);
});
