/** GOPRIVATE as Go reads it: prefix glob patterns, the private requirements and the hosts git reaches over SSH. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseGoMod } from "../../src/gomod/index.js";
import { globMatch, matchesPrefixPatterns, privateHosts, privatePatterns, privateRequires } from "../../src/plan/private-modules.js";

test("patterns match leading path elements, as Go's MatchPrefixPatterns does", () => {
  const p = privatePatterns("git.corp.example, *.internal.example/team ,,github.com/acme/*");
  assert.deepEqual(p, ["git.corp.example", "*.internal.example/team", "github.com/acme/*"]);
  assert.ok(matchesPrefixPatterns(p, "git.corp.example/x/y"));
  assert.ok(matchesPrefixPatterns(p, "git.corp.example"));
  assert.ok(!matchesPrefixPatterns(p, "git.corp.example.evil/x"));
  assert.ok(matchesPrefixPatterns(p, "go.internal.example/team/lib"));
  assert.ok(!matchesPrefixPatterns(p, "go.internal.example/other/lib"));
  assert.ok(matchesPrefixPatterns(p, "github.com/acme/tool/v2"));
  assert.ok(!matchesPrefixPatterns(p, "github.com/acme"));
  assert.ok(!matchesPrefixPatterns(p, "github.com/other/tool"));
});

test("glob syntax: ?, classes, escapes; a malformed pattern matches nothing", () => {
  assert.ok(globMatch("a?c", "abc"));
  assert.ok(!globMatch("a?c", "a/c"));
  assert.ok(globMatch("[a-c]x", "bx"));
  assert.ok(globMatch("[^a-c]x", "dx"));
  assert.ok(!globMatch("[^a-c]x", "ax"));
  assert.ok(globMatch("a\\*b", "a*b"));
  assert.ok(!globMatch("a\\*b", "axb"));
  assert.ok(!globMatch("[ab", "a"));
  assert.ok(!globMatch("ab\\", "ab"));
  assert.ok(globMatch("a.b(c)+", "a.b(c)+"));
});

test("the private requirements keep go.mod's order and lines", () => {
  const goMod = parseGoMod("module example.com/app\n\ngo 1.24\n\nrequire (\n\tgithub.com/google/uuid v1.6.0\n\tgit.corp.example/lib v1.0.0\n\tgithub.com/acme/x v0.1.0 // indirect\n)\n");
  assert.deepEqual(
    privateRequires(goMod, ["git.corp.example", "github.com/acme/*"]).map((r) => [r.path, r.line]),
    [["git.corp.example/lib", 7], ["github.com/acme/x", 8]],
  );
  assert.deepEqual(privateRequires(goMod, []), []);
});

test("hosts for the SSH rewrite: literal hosts only, lower case, sorted, once each", () => {
  assert.deepEqual(privateHosts(["github.com/acme/*", "Git.Corp.example", "*.corp.example", "corp", "github.com/beta", "bad host.example", "x.example:2222/y"]), [
    "git.corp.example",
    "github.com",
    "x.example:2222",
  ]);
});
