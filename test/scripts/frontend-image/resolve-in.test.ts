import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { resolveIn } from "../../../scripts/frontend-image/resolve-in.js";

const root = mkdtempSync(join(tmpdir(), "slimgo-resolve-"));
after(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, "usr/lib/aarch64-linux-gnu"), { recursive: true });
mkdirSync(join(root, "lib64"));
writeFileSync(join(root, "usr/lib/aarch64-linux-gnu/libz.so.1.3"), "z");
symlinkSync("libz.so.1.3", join(root, "usr/lib/aarch64-linux-gnu/libz.so.1"));
writeFileSync(join(root, "usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1"), "ld");
// Absolute, as Debian's loader links are: it must land in the tree, not on the host.
symlinkSync("/usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1", join(root, "lib64/ld.so"));
symlinkSync("../../../../../../etc/passwd", join(root, "usr/lib/aarch64-linux-gnu/escape"));
symlinkSync("loop-b", join(root, "usr/lib/aarch64-linux-gnu/loop-a"));
symlinkSync("loop-a", join(root, "usr/lib/aarch64-linux-gnu/loop-b"));

test("relative and absolute links resolve inside the tree", () => {
  assert.equal(resolveIn(root, "/usr/lib/aarch64-linux-gnu/libz.so.1"), join(root, "usr/lib/aarch64-linux-gnu/libz.so.1.3"));
  assert.equal(resolveIn(root, "/lib64/ld.so"), join(root, "usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1"));
  assert.equal(resolveIn(root, "/usr/lib/aarch64-linux-gnu/escape"), undefined);
});

test("a merged-/usr tree without its /lib link finds /lib paths under /usr", () => {
  assert.equal(resolveIn(root, "/lib/aarch64-linux-gnu/libz.so.1"), join(root, "usr/lib/aarch64-linux-gnu/libz.so.1.3"));
  assert.equal(resolveIn(root, "/lib/aarch64-linux-gnu/libnope.so"), undefined);
});

test("a link loop ends with an error naming it", () => {
  assert.throws(() => resolveIn(root, "/usr/lib/aarch64-linux-gnu/loop-a"), /loop-[ab] in .*: more than 40 symbolic links/);
});
