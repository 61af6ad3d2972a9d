import assert from "node:assert/strict";
import { test } from "node:test";
import { mainPackageFiles } from "../../src/graph/local-packages.js";
import { PatternMatcher } from "../../src/patterns/pattern-matcher.js";

test("the main package's own .go files, and nothing below them", () => {
  assert.equal(mainPackageFiles("."), "*.go");
  assert.equal(mainPackageFiles("./cmd/app"), "cmd/app/*.go");
  // Wildcard characters in a directory name are matched literally.
  assert.equal(mainPackageFiles("./cmd/[x]*?"), "cmd/\\[x]\\*\\?/*.go");
});

test("as the session's walk reads the pattern: main's files out, its subpackages and other files in", () => {
  const excluded = (main: string, path: string) => new PatternMatcher([mainPackageFiles(main)]).matchesOrParentMatches(path);
  assert.ok(excluded(".", "main.go"));
  assert.ok(!excluded(".", "server/server.go"));
  assert.ok(excluded("./cmd/app", "cmd/app/main.go"));
  assert.ok(!excluded("./cmd/app", "cmd/app/internal/x.go"));
  assert.ok(!excluded("./cmd/app", "cmd/app/static/index.html"));
  assert.ok(excluded("./cmd/[x]*?", "cmd/[x]*?/main.go"));
  assert.ok(!excluded("./cmd/[x]*?", "cmd/xy/main.go"));
});
