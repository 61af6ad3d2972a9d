import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { deflateSync } from "node:zlib";
import { diskSource } from "../../src/server/disk-source.js";
import { readCommitTime } from "../../src/server/project-source.js";
import { commitTime } from "../../src/vcs/index.js";
import { applyDelta } from "../../src/vcs/git-delta.js";
import { parseEntryHead } from "../../src/vcs/pack-entry.js";
import { parseIndexHead } from "../../src/vcs/pack-index.js";
import { gitRepo, onlyPack, packEntries } from "./git-repo.js";
import { packIndex } from "../../fuzz/gen/git-gen.js";
import { cpuNow } from "../support/bounded.js";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A packed repository of alike commits, some stored as deltas; its HEAD and HEAD's time. */
function packedRepo() {
  const r = gitRepo();
  dirs.push(r.dir);
  let head = "";
  for (let i = 0; i < 6; i++) head = r.commit(`change ${i}\n\n${"Alike text so that git deltifies. ".repeat(60)}`, 1700000000 + i);
  r.git("gc", "-q", "--aggressive", "--prune=now");
  return { ...r, head, time: 1700000005, ...onlyPack(r.dir) };
}

const timeOf = (dir: string, hash: string) => readCommitTime(diskSource(dir, "slimgo.yaml"), hash);

test("a pack cut short anywhere gives no time, or the right one when the commit lies before the cut", async () => {
  const { dir, pack, git, idx } = packedRepo();
  const entries = packEntries(git, join(dir, idx));
  const hashes = [...entries].filter(([, e]) => e.type === "commit").map(([h]) => h);
  const whole = readFileSync(join(dir, pack));
  for (const cut of [0, 5, 12, 13, 40, 100, 300, 1000, whole.length - 21, whole.length - 1]) {
    writeFileSync(join(dir, pack), whole.subarray(0, Math.max(0, Math.min(cut, whole.length))));
    for (const h of hashes) {
      const t = await timeOf(dir, h);
      assert.ok(t === undefined || (t >= 1700000000 && t <= 1700000005), `cut at ${cut}: ${t}`);
    }
  }
  truncateSync(join(dir, idx), 500);
  assert.equal(await timeOf(dir, hashes[0] as string), undefined, "an index cut inside its fanout");
});

test("flipped bytes in the pack and its index never throw, hang or give a time git did not write", async () => {
  const { dir, pack, idx, head } = packedRepo();
  const start = cpuNow();
  for (const file of [pack, idx]) {
    const whole = readFileSync(join(dir, file));
    let seed = 12345;
    for (let n = 0; n < 150; n++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const at = seed % whole.length;
      const bad = Buffer.from(whole);
      bad[at] = (bad[at] as number) ^ (1 + (seed % 255));
      writeFileSync(join(dir, file), bad);
      const t = await timeOf(dir, head);
      assert.ok(t === undefined || Number.isSafeInteger(t), `${file} byte ${at}: ${t}`);
    }
    writeFileSync(join(dir, file), whole);
  }
  assert.equal(await timeOf(dir, head), 1700000005);
  assert.ok(cpuNow() - start < 20_000, "300 corrupt repositories read in bounded CPU time");
});

test("a loose object that is garbage, a zlib bomb, or no commit gives no time", async () => {
  const r = gitRepo();
  dirs.push(r.dir);
  const hash = r.commit("first", 1700000000);
  const path = join(r.dir, ".git/objects", hash.slice(0, 2), hash.slice(2));
  rmSync(path, { force: true });
  writeFileSync(path, "not zlib at all");
  assert.equal(await timeOf(r.dir, hash), undefined);
  writeFileSync(path, deflateSync(Buffer.alloc(64 << 20)));
  assert.equal(await timeOf(r.dir, hash), undefined);
  writeFileSync(path, deflateSync("commit 99999\0tree x\n"));
  assert.equal(await timeOf(r.dir, hash), undefined);
  writeFileSync(path, deflateSync("commit 40\0tree x\ncommitter A <a> 12 +0000\n\n"));
  assert.equal(await timeOf(r.dir, hash), 12);
  rmSync(path);
  mkdirSync(path);
  assert.equal(await timeOf(r.dir, hash), undefined, "a directory where the object should be");
});

test("a delta whose base is itself stops at the depth bound; one whose base lies after it is refused", async () => {
  const r = gitRepo();
  dirs.push(r.dir);
  const name = Buffer.from("ab".repeat(20), "hex");
  const delta = deflateSync(Buffer.from([3, 3, 0x90, 3]));
  // REF_DELTA (7) of 4 bytes, naming itself as its base; then an OFS_DELTA (6) pointing 100 bytes back from offset 12+.
  const refDelta = Buffer.concat([Buffer.from([0x74]), name, delta]);
  const ofsAt = 12 + refDelta.length;
  const ofsDelta = Buffer.concat([Buffer.from([0x64, 100]), delta]);
  mkdirSync(join(r.dir, ".git/objects/pack"), { recursive: true });
  writeFileSync(join(r.dir, ".git/objects/pack/pack-x.pack"), Buffer.concat([Buffer.from("PACK\0\0\0\x02\0\0\0\x02"), refDelta, ofsDelta]));
  const other = Buffer.from("cd".repeat(20), "hex");
  writeFileSync(join(r.dir, ".git/objects/pack/pack-x.idx"), packIndex([{ name, offset: 12 }, { name: other, offset: ofsAt }]));
  const start = cpuNow();
  const files = diskSource(r.dir, "slimgo.yaml");
  await assert.rejects(commitTime(files, name.toString("hex")), /a chain of more than 260 deltas/);
  await assert.rejects(commitTime(files, other.toString("hex")), /base is not before it/);
  assert.ok(cpuNow() - start < 10_000);
});

test("delta instructions and entry headers out of bounds are errors, not reads past the end", () => {
  const base = Buffer.from("abc");
  assert.deepEqual(Buffer.from(applyDelta(base, Buffer.from([3, 4, 0x90, 3, 1, 0x78]), 16)).toString(), "abcx");
  assert.throws(() => applyDelta(base, Buffer.from([3, 4, 0x91, 2, 3]), 16), /past its base's end/);
  assert.throws(() => applyDelta(base, Buffer.from([4, 1, 1, 0x78]), 16), /base of 4 bytes/);
  assert.throws(() => applyDelta(base, Buffer.from([3, 0x80, 0x80, 0x01, 0]), 100), /more than 100/);
  assert.throws(() => applyDelta(base, Buffer.from([3, 1, 0]), 16), /reserved/);
  assert.throws(() => applyDelta(base, Buffer.from([3, 1, 5, 0x78]), 16), /runs past its end/);
  assert.throws(() => applyDelta(base, Buffer.from([3, 2, 0x90, 3]), 16), /writes past/);
  assert.throws(() => applyDelta(base, Buffer.from([3, ...Array(20).fill(0x80)]), 16), /GitObjectError|past any real|ends inside/);
  assert.throws(() => parseEntryHead(Buffer.from(Array(12).fill(0x9f)), 20, "p"), /cut short or too long/);
  assert.throws(() => parseEntryHead(Buffer.from([0x05]), 20, "p"), /type 0/);
  assert.throws(() => parseEntryHead(Buffer.from([0x74, 1, 2]), 20, "p"), /base name is cut short/);
  assert.deepEqual(parseEntryHead(Buffer.from([0x95, 0x01]), 20, "p"), { type: 1, size: 21, length: 2 });
  assert.throws(() => parseIndexHead(Buffer.alloc(1032), "i"), /version 2/);
  const head = Buffer.alloc(1032);
  head.writeUInt32BE(0xff744f63, 0);
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(5, 8);
  assert.throws(() => parseIndexHead(head, "i"), /decreases/);
});
