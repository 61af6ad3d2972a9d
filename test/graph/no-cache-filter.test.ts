import assert from "node:assert/strict";
import { test } from "node:test";
import { parseNoCache } from "../../src/plan/index.js";
import { SpecErrors } from "../../src/spec/index.js";
import { type RecipeCase, namedExecs, recipeDefinitions } from "./recipe.js";

const GO_MOD = "module example.com/shop\n\ngo 1.24\n\nrequire golang.org/x/text v0.3.0\n";
const TARGETS = `targets:
  api: {main: ./cmd/api}
  worker: {main: ./cmd/worker}
  all: {main: ./cmd/api, include: [worker]}
`;

/** The exec steps that run without BuildKit's cache, by progress name. */
function uncached(c: RecipeCase): string[] {
  const { defs } = recipeDefinitions(c);
  const def = defs[0];
  assert.ok(def);
  const ignored = Object.values(def.metadata).filter((m) => m.ignoreCache).map((m) => m.description["llb.customname"]);
  return namedExecs(def).map((e) => e.name).filter((name) => ignored.includes(name)).sort();
}

test("no-cache= (--no-cache) reruns every Go step; no-cache=NAMES only those", () => {
  assert.deepEqual(parseNoCache(undefined), { all: false, names: [] });
  assert.deepEqual(parseNoCache(""), { all: true, names: [] });
  assert.deepEqual(parseNoCache("worker, download,worker"), { all: false, names: ["download", "worker"] });
});

test("--no-cache-filter names slimgo's steps: download, deps, build", () => {
  const spec = "main: ./cmd/api\n";
  assert.deepEqual(uncached({ spec, goMod: GO_MOD }), []);
  assert.deepEqual(uncached({ spec, goMod: GO_MOD, options: { noCache: true } }), [
    "compile the dependencies of ./cmd/api",
    "compile the main module's packages for ./cmd/api",
    "compile the standard library packages of ./cmd/api",
    "go build ./cmd/api",
    "go list -deps ./cmd/api",
    "go mod download",
  ]);
  assert.deepEqual(uncached({ spec, goMod: GO_MOD, options: { noCacheFilter: ["download"] } }), ["go mod download"]);
  assert.deepEqual(uncached({ spec, goMod: GO_MOD, options: { noCacheFilter: ["build"] } }), ["compile the main module's packages for ./cmd/api", "go build ./cmd/api", "go list -deps ./cmd/api"]);
  // Without targets, the binary's name stands for its steps.
  assert.deepEqual(uncached({ spec, goMod: GO_MOD, options: { noCacheFilter: ["api"] } }), [
    "compile the dependencies of ./cmd/api",
    "compile the main module's packages for ./cmd/api",
    "compile the standard library packages of ./cmd/api",
    "go build ./cmd/api",
    "go list -deps ./cmd/api",
  ]);
});

test("--no-cache-filter TARGET reruns that target's binary only, even inside another image", () => {
  const names = uncached({ spec: TARGETS, goMod: GO_MOD, target: "all", options: { noCacheFilter: ["worker"] } });
  assert.deepEqual(names, ["[worker] compile the dependencies of ./cmd/worker", "[worker] compile the main module's packages for ./cmd/worker", "[worker] compile the standard library packages of ./cmd/worker", "[worker] go build ./cmd/worker", "[worker] go list -deps ./cmd/worker"]);
});

test("--no-cache-filter with an unknown name fails, naming what would work", () => {
  assert.throws(
    () => recipeDefinitions({ spec: TARGETS, goMod: GO_MOD, options: { noCacheFilter: ["wroker"] } }),
    (err: unknown) => err instanceof SpecErrors && /--no-cache-filter wroker: no step or target by that name \(did you mean "worker"\?\)/.test(err.message),
  );
  assert.throws(
    () => recipeDefinitions({ spec: "main: ./cmd/api\n", goMod: GO_MOD, options: { noCacheFilter: ["base-stage"] } }),
    (err: unknown) => err instanceof SpecErrors && err.message.includes("(use one of download, deps, build, api)"),
  );
});
