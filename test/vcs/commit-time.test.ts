import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { diskSource } from "../../src/server/disk-source.js";
import { commitTime } from "../../src/vcs/index.js";
import { entryType, gitRepo, onlyPack, packEntries } from "./git-repo.js";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const repo = () => {
  const r = gitRepo();
  dirs.push(r.dir);
  return r;
};
const files = (dir: string) => diskSource(dir, "slimgo.yaml");

// Long, alike messages, so git finds deltas between the commits worth storing.
const message = (i: number) => `change ${i}\n\n${"The same long paragraph about what changed and why it matters. ".repeat(40)}`;

test("a loose commit: its committer time, not the author's", async () => {
  const { dir, commit } = repo();
  const hash = commit("first", 1700000000);
  assert.equal(await commitTime(files(dir), hash), 1700000000);
});

test("after git gc --aggressive every commit is read from the pack, deltas resolved (OFS_DELTA)", async () => {
  const { dir, git, commit } = repo();
  const hashes = Array.from({ length: 12 }, (_, i) => commit(message(i), 1700000000 + i * 3600));
  git("gc", "-q", "--aggressive", "--prune=now");
  const { idx, pack } = onlyPack(dir);
  const entries = packEntries(git, idx);
  const deltas = hashes.filter((h) => (entries.get(h)?.depth ?? 0) > 0);
  assert.ok(deltas.length > 0, "some commit is stored as a delta");
  for (const h of deltas) assert.equal(entryType(join(dir, pack), entries.get(h)?.offset ?? -1), 6, "git wrote an OFS_DELTA");
  for (const [i, h] of hashes.entries()) assert.equal(await commitTime(files(dir), h), 1700000000 + i * 3600, `commit ${i}`);
});

test("deltas against a base named by hash (REF_DELTA) resolve too", async () => {
  const { dir, git, commit } = repo();
  const hashes = Array.from({ length: 8 }, (_, i) => commit(message(i), 1600000000 + i));
  git("-c", "repack.useDeltaBaseOffset=false", "repack", "-q", "-a", "-d", "-f", "--depth=50", "--window=50");
  git("prune-packed");
  const { idx, pack } = onlyPack(dir);
  const entries = packEntries(git, idx);
  const deltas = hashes.filter((h) => (entries.get(h)?.depth ?? 0) > 0);
  assert.ok(deltas.length > 0, "some commit is stored as a delta");
  for (const h of deltas) assert.equal(entryType(join(dir, pack), entries.get(h)?.offset ?? -1), 7, "git wrote a REF_DELTA");
  for (const [i, h] of hashes.entries()) assert.equal(await commitTime(files(dir), h), 1600000000 + i, `commit ${i}`);
});

test("a commit the repository does not hold, or a hash that is not one, gives no time", async () => {
  const { dir, git, commit } = repo();
  commit("first", 1700000000);
  assert.equal(await commitTime(files(dir), "0".repeat(40)), undefined);
  git("gc", "-q", "--prune=now");
  assert.equal(await commitTime(files(dir), "f".repeat(40)), undefined);
  await assert.rejects(commitTime(files(dir), "../../etc/passwd"), { name: "GitObjectError" });
});

test("a tree is not a commit", async () => {
  const { dir, git, commit } = repo();
  commit("first", 1700000000);
  assert.equal(await commitTime(files(dir), git("rev-parse", "HEAD^{tree}")), undefined);
});
