/** The atomic output writer: nothing at the destination until commit, nothing anywhere after discard. */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { AtomicOutput } from "../../src/session/outputs.js";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const scratchDir = () => {
  const d = mkdtempSync(join(tmpdir(), "slimgo-out-"));
  dirs.push(d);
  return d;
};

test("a file output appears only on commit, under its own name", async () => {
  const d = scratchDir();
  const o = new AtomicOutput({ type: "tar", dest: join(d, "img.tar") });
  writeFileSync(await o.start(), "bytes");
  assert.equal(existsSync(join(d, "img.tar")), false);
  o.settle();
  await o.commit();
  assert.equal(readFileSync(join(d, "img.tar"), "utf8"), "bytes");
  assert.deepEqual(readdirSync(d), ["img.tar"]);
});

test("discard leaves nothing behind", async () => {
  const d = scratchDir();
  const o = new AtomicOutput({ type: "local", dest: join(d, "out") });
  writeFileSync(join(await o.start(), "f"), "x");
  o.settle();
  await o.discard();
  assert.deepEqual(readdirSync(d), []);
});

test("a local output merges into an existing directory, replacing what it sends", async () => {
  const d = scratchDir();
  const dest = join(d, "out");
  mkdirSync(join(dest, "sub"), { recursive: true });
  writeFileSync(join(dest, "mine"), "kept");
  writeFileSync(join(dest, "sub/old"), "old");
  const o = new AtomicOutput({ type: "local", dest });
  const temp = await o.start();
  mkdirSync(join(temp, "sub"));
  writeFileSync(join(temp, "sub/old"), "new");
  writeFileSync(join(temp, "app"), "built");
  o.settle();
  await o.commit();
  assert.deepEqual(readdirSync(dest).sort(), ["app", "mine", "sub"]);
  assert.equal(readFileSync(join(dest, "sub/old"), "utf8"), "new");
  assert.deepEqual(readdirSync(d), ["out"]);
});

test("a transfer that failed is not committed", async () => {
  const d = scratchDir();
  const o = new AtomicOutput({ type: "oci", dest: join(d, "img.tar") });
  await o.start();
  o.settle(new Error("stream reset"));
  await assert.rejects(o.commit(), /img\.tar: stream reset/);
  await o.discard();
  assert.deepEqual(readdirSync(d), []);
});

test("a commit that overtakes the transfer's end waits for it: BuildKit's answer can arrive first", async () => {
  const d = scratchDir();
  const o = new AtomicOutput({ type: "local", dest: join(d, "out") });
  writeFileSync(join(await o.start(), "f"), "x");
  const committed = o.commit();
  setTimeout(() => o.settle(), 50);
  await committed;
  assert.equal(readFileSync(join(d, "out/f"), "utf8"), "x");
});
