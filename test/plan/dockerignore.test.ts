import assert from "node:assert/strict";
import { test } from "node:test";
import { contextFacts, isExcluded, parseDockerignore } from "../../src/plan/index.js";

test(".dockerignore lines become exclude patterns", () => {
  const text = "# build output\n/bin/\n\n*.test\n  node_modules  \n!bin/keep\n./docs//old/\n";
  assert.deepEqual(parseDockerignore(new TextEncoder().encode(text)), ["bin", "*.test", "node_modules", "!bin/keep", "docs/old"]);
});

test("no .dockerignore excludes nothing", () => {
  assert.deepEqual(parseDockerignore(undefined), []);
});

test("a pattern on a parent directory leaves out what is inside it", () => {
  for (const patterns of [["*/HEAD"], [".git"], ["**/.git/**"], ["**/.git"], [".git/**"], ["*"], ["**"], [".g?t"], [".[g]it"], ["**HEAD"]]) {
    assert.equal(isExcluded(".git/HEAD", patterns), true, JSON.stringify(patterns));
  }
});

test("patterns that only look alike leave the path in", () => {
  for (const patterns of [["bin", "*.test"], ["git"], [".git/objects"], ["*/ORIG_HEAD"], ["x/**/.git"], [".gitignore"], ["*.git/x"]]) {
    assert.equal(isExcluded(".git/HEAD", patterns), false, JSON.stringify(patterns));
  }
});

test("the last matching pattern wins, and a negation brings a path back", () => {
  assert.equal(isExcluded(".git/HEAD", ["*", "!.git"]), false);
  assert.equal(isExcluded(".git/HEAD", ["*", "!.git/HEAD"]), false);
  assert.equal(isExcluded(".git/HEAD", ["*", "!.git", ".git"]), true);
  assert.equal(isExcluded(".git/HEAD", ["!.git"]), false);
  assert.equal(isExcluded("cmd/api/main.go", ["cmd", "!cmd/api"]), false);
  assert.equal(isExcluded("cmd/worker/main.go", ["cmd", "!cmd/api"]), true);
});

test("* and ? stay within a path segment; ** spans segments", () => {
  assert.equal(isExcluded("a/b/c.go", ["a/*.go"]), false);
  assert.equal(isExcluded("a/b/c.go", ["a/**/*.go"]), true);
  assert.equal(isExcluded("a/c.go", ["a/**/*.go"]), true);
  assert.equal(isExcluded("a/b.go", ["**.go"]), true);
  assert.equal(isExcluded("a.b", ["a\\.b"]), true);
});

test("context facts: vendor, go.sum, and a .git that .dockerignore leaves out", () => {
  const files = { goSum: true, vendorModules: false, gitHead: true, excludes: [] };
  assert.deepEqual(contextFacts(files), { vendored: false, missingGoSum: false, hasGit: true });
  assert.equal(contextFacts({ ...files, excludes: [".git"] }).hasGit, false);
  assert.equal(contextFacts({ ...files, gitHead: false }).hasGit, false);
  assert.deepEqual(contextFacts({ ...files, goSum: false, vendorModules: true }), { vendored: true, missingGoSum: true, hasGit: true });
});
