/** BuildKit's pattern rules (moby/patternmatcher), case by case. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { PatternError, PatternMatcher } from "../../src/patterns/pattern-matcher.js";

const excluded = (patterns: string[], path: string) => new PatternMatcher(patterns).matchesOrParentMatches(path);

test("wildcards stay in their segment, ** spans segments, a parent's match covers its entries", () => {
  const cases: [string[], string, boolean][] = [
    [["*.log"], "a.log", true],
    [["*.log"], "dir/a.log", false],
    [["**/*.log"], "dir/deeper/a.log", true],
    [["**/*.log"], "a.log", true],
    [["dir"], "dir/x/y", true],
    [["dir/"], "dir/x", true],
    [["./dir"], "dir", true],
    [["di?"], "dir", true],
    [["di?"], "di/", false],
    [["[a-c]at"], "bat", true],
    [["[^a-c]at"], "bat", false],
    [["node_modules**"], "node_modules_old/x", true],
    [["**"], "anything/at/all", true],
    [["a.b"], "axb", false],
    [["\\*"], "*", true],
    [["*", "!keep"], "keep", false],
    [["*", "!keep"], "other", true],
    [["dir", "!dir/keep"], "dir/keep", false],
    [["dir", "!dir/keep"], "dir/other", true],
    [["!keep", "*"], "keep", true],
  ];
  for (const [patterns, path, want] of cases) assert.equal(excluded(patterns, path), want, `${JSON.stringify(patterns)} on ${path}`);
});

test("results handed down from a directory give the same verdicts as a fresh match", () => {
  const m = new PatternMatcher(["src", "!src/keep", "**/*.tmp"]);
  const dir = m.matchWithParent("src", undefined);
  for (const p of ["src/keep", "src/other", "src/a.tmp"]) assert.equal(m.matchWithParent(p, dir.info).matched, m.matchesOrParentMatches(p), p);
});

test("malformed patterns are refused with what is wrong", () => {
  for (const bad of ["[", "[]", "a\\", "[a-", "!"]) assert.throws(() => new PatternMatcher([bad]), PatternError, bad);
});
