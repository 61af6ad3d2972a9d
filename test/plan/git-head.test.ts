import assert from "node:assert/strict";
import { test } from "node:test";
import { packedRef, parseGitHead } from "../../src/plan/index.js";

const HASH = "0123456789abcdef0123456789abcdef01234567";

test(".git/HEAD: a branch ref, a detached commit, or nothing usable", () => {
  assert.deepEqual(parseGitHead("ref: refs/heads/main\n"), { ref: "refs/heads/main" });
  assert.deepEqual(parseGitHead(`${HASH}\n`), { commit: HASH });
  assert.deepEqual(parseGitHead(`${"a".repeat(64)}\n`), { commit: "a".repeat(64) });
  assert.equal(parseGitHead("ref: refs/../../etc/passwd\n"), undefined);
  assert.equal(parseGitHead("ref: /abs\n"), undefined);
  assert.equal(parseGitHead("gitdir: ../.git/worktrees/x\n"), undefined);
  assert.equal(parseGitHead(""), undefined);
});

test("packed-refs: the ref's line, ignoring comments and peeled tags", () => {
  const text = `# pack-refs with: peeled fully-peeled sorted\n${"f".repeat(40)} refs/heads/dev\n${HASH} refs/heads/main\n^${"e".repeat(40)}\n`;
  assert.equal(packedRef(text, "refs/heads/main"), HASH);
  assert.equal(packedRef(text, "refs/heads/nope"), undefined);
});
