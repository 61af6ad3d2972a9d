/** followpaths: symlinks along the asked paths resolve to their targets inside the root, as fsutil's FollowLinks does. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { followPaths } from "../../../src/session/fsutil/follow-paths.js";

const root = mkdtempSync(join(tmpdir(), "slimgo-follow-"));
after(() => rmSync(root, { recursive: true, force: true }));

test("links are followed to their targets, absolute ones from the root, wildcards over names", async () => {
  mkdirSync(join(root, "real/dir"), { recursive: true });
  writeFileSync(join(root, "real/dir/f"), "x");
  symlinkSync("real/dir", join(root, "rel"));
  symlinkSync("/real/dir/f", join(root, "abs"));
  symlinkSync("loop2", join(root, "loop1"));
  symlinkSync("loop1", join(root, "loop2"));
  assert.deepEqual(await followPaths(root, ["rel/f"]), ["real/dir/f", "rel"]);
  assert.deepEqual(await followPaths(root, ["abs"]), ["abs", "real/dir/f"]);
  assert.deepEqual(await followPaths(root, ["ab*"]), ["ab*", "real/dir/f"]);
  assert.deepEqual(await followPaths(root, ["plain/file"]), ["plain/file"]);
  assert.equal(await followPaths(root, ["."]), undefined);
  assert.deepEqual(await followPaths(root, ["loop1"]), ["loop1", "loop2"]);
});
