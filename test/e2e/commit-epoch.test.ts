/**
 * SOURCE_DATE_EPOCH from the commit time, through the real engine: a context
 * with .git (its commit packed by git gc) builds twice with --no-cache to the
 * same image digest, dated by the commit; a SOURCE_DATE_EPOCH build arg wins.
 * --provenance=false: buildx's default provenance records when the build ran.
 * The builder keeps the pack between builds, so the second sends only its stat.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { buildx, run } from "../support/docker.js";
import { plainProject } from "../support/fixture.js";

const TAG = `slimgo-e2e-epoch:${process.pid}`;
const COMMIT_TIME = 1712345678;
const metaDir = mkdtempSync(join(tmpdir(), "slimgo-e2e-epoch-"));

const PACK_BYTES = 400_000;

const project = plainProject("main: ./cmd/plain\n", async (dir) => {
  // Incompressible, so the pack is this large and a resend shows in the transfer.
  writeFileSync(join(dir, "testdata.bin"), randomBytes(PACK_BYTES));
  const date = `${COMMIT_TIME} +0200`;
  const env = { ...process.env, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date, GIT_CONFIG_GLOBAL: "/dev/null" };
  const git = (...args: string[]) => run("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { env });
  for (const args of [["init", "-q"], ["add", "-A"], ["commit", "-qm", "fixture"], ["gc", "-q", "--prune=now"]]) {
    const r = await git(...args);
    assert.equal(r.code, 0, `git ${args.join(" ")}: ${r.stderr}`);
  }
});

after(async () => {
  rmSync(metaDir, { recursive: true, force: true });
  await run("docker", ["image", "rm", "-f", `${TAG}-1`, `${TAG}-2`, `${TAG}-arg`]);
});

/** A clean build (--no-cache), loaded; its manifest digest and the image config's `created`. */
async function cleanBuild(tag: string, buildArgs: Record<string, string> = {}): Promise<{ digest: string; created: string; log: string }> {
  const meta = join(metaDir, `${tag.replace(/\W/g, "_")}.json`);
  const res = await buildx({ dir: project.dir, tag, buildArgs: { ...project.buildArgs, ...buildArgs }, extra: ["--network=host", "--no-cache", "--provenance=false", "--metadata-file", meta] });
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  const digest = JSON.parse(readFileSync(meta, "utf8"))["containerimage.digest"];
  const inspect = await run("docker", ["image", "inspect", "--format", "{{.Created}}", tag]);
  assert.equal(inspect.code, 0, inspect.stderr);
  return { digest, created: inspect.stdout.trim(), log: res.stderr };
}

/** Bytes sent for the step that loads the pack, from plain progress ("transferring context: 1.2kB"). */
function packTransfer(log: string): number {
  const step = /^#(\d+) \[internal\] load \.git\/objects\/pack\/pack-[0-9a-f]+\.pack$/m.exec(log)?.[1];
  assert.ok(step, "the frontend read the pack");
  const sizes = [...log.matchAll(new RegExp(`^#${step} transferring context: ([\\d.]+)(B|kB|MB)`, "gm"))];
  const last = sizes.at(-1);
  assert.ok(last, `no transfer size for step #${step}`);
  return Number(last[1]) * { B: 1, kB: 1e3, MB: 1e6 }[last[2] as "B" | "kB" | "MB"];
}

test("two clean builds of a commit give one image digest, created at the commit's time", async () => {
  const first = await cleanBuild(`${TAG}-1`);
  const second = await cleanBuild(`${TAG}-2`);
  assert.equal(new Date(first.created).getTime(), COMMIT_TIME * 1000, first.created);
  assert.match(first.digest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(second.digest, first.digest);
  // A new context directory is a new session key: the first build sends the pack, the second only its stat.
  assert.ok(packTransfer(first.log) > PACK_BYTES / 2, `the first build sent ${packTransfer(first.log)} bytes of the pack`);
  assert.ok(packTransfer(second.log) < PACK_BYTES / 10, `the pack was sent again: ${packTransfer(second.log)} bytes`);
});

test("--build-arg SOURCE_DATE_EPOCH overrides the commit time", async () => {
  const built = await cleanBuild(`${TAG}-arg`, { SOURCE_DATE_EPOCH: "1700000000" });
  assert.equal(new Date(built.created).getTime(), 1700000000 * 1000, built.created);
});
