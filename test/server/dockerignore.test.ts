import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDockerignore } from "../../src/server/dockerignore.js";

test(".dockerignore lines become exclude patterns", () => {
  const text = "# build output\n/bin/\n\n*.test\n  node_modules  \n!bin/keep\n./docs//old/\n";
  assert.deepEqual(parseDockerignore(new TextEncoder().encode(text)), ["bin", "*.test", "node_modules", "!bin/keep", "docs/old"]);
});

test("no .dockerignore excludes nothing", () => {
  assert.deepEqual(parseDockerignore(undefined), []);
});
