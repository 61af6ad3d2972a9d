/** `--cache-from` reaches the frontend as options; slimgo must hand them to its solves. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { LaunchError, cacheImports } from "../../src/gateway/options.js";

const opts = (entries: Record<string, string>) => new Map(Object.entries(entries));

test("cache-imports JSON as buildx and buildctl send it", () => {
  const json = JSON.stringify([
    { Type: "registry", Attrs: { ref: "127.0.0.1:5100/cache:main" } },
    { Type: "local", Attrs: { src: "/tmp/cache", digest: "sha256:00" } },
  ]);
  assert.deepEqual(cacheImports(opts({ "cache-imports": json })), [
    { type: "registry", attrs: { ref: "127.0.0.1:5100/cache:main" } },
    { type: "local", attrs: { src: "/tmp/cache", digest: "sha256:00" } },
  ]);
});

test("the older cache-from option lists registry refs", () => {
  assert.deepEqual(cacheImports(opts({ "cache-from": "r/a:1, r/b:2" })), [
    { type: "registry", attrs: { ref: "r/a:1" } },
    { type: "registry", attrs: { ref: "r/b:2" } },
  ]);
});

test("no cache options, no imports", () => {
  assert.deepEqual(cacheImports(opts({})), []);
});

test("malformed cache-imports names the option", () => {
  assert.throws(() => cacheImports(opts({ "cache-imports": "[{" })), (e: unknown) => e instanceof LaunchError && /cache-imports is not valid JSON/.test(e.message));
  assert.throws(() => cacheImports(opts({ "cache-imports": '[{"Attrs":{}}]' })), /entry without a type/);
  assert.throws(() => cacheImports(opts({ "cache-imports": '{"Type":"registry"}' })), /must be a JSON array/);
});
