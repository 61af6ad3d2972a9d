/** Cache mount ids carry a key from the cache namespace: other projects and tenants cannot name them. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseGoMod, parseGoWork } from "../../src/gomod/index.js";
import { type FrontendOptions, cacheKey, makePlan, planTargets } from "../../src/plan/index.js";
import { parseSpec } from "../../src/spec/index.js";
import { fixturePath } from "../support/fixture.js";

const options: FrontendOptions = { platforms: [], buildPlatform: { os: "linux", architecture: "amd64" }, buildArgs: {}, network: "sandbox", noCache: false };
const key = (goMod: string, extra: Partial<FrontendOptions> = {}) => makePlan({ spec: parseSpec("main: .\n"), goMod: parseGoMod(goMod), options: { ...options, ...extra } }).cacheKey;
const APP = "module example.com/app\ngo 1.24\n";

test("the key is deterministic, 16 hex digits, and does not spell the namespace", () => {
  assert.equal(cacheKey({ modules: ["example.com/app"] }), cacheKey({ modules: ["example.com/app"] }));
  assert.equal(cacheKey({ modules: ["example.com/app"] }), "ed1acb1a4aa033a3");
  assert.match(key(APP, { cacheNamespace: "tenant-a/repo" }), /^[0-9a-f]{16}$/);
});

test("unrelated modules get different caches; every target of one module shares them", () => {
  assert.notEqual(key(APP), key("module example.com/other\ngo 1.24\n"));
  const spec = parseSpec(readFileSync(`${fixturePath("monorepo")}/slimgo.yaml`, "utf8"));
  const goMod = parseGoMod(readFileSync(`${fixturePath("monorepo")}/go.mod`, "utf8"));
  const keys = new Set(planTargets({ spec, goMod, options }).targetPlans().map((p) => p.cacheKey));
  assert.equal(keys.size, 1);
});

test("the modules of a go.work share one key, whichever holds main", () => {
  const goWork = parseGoWork("go 1.24\n\nuse (\n\t./api\n\t./worker\n)\n");
  const modules = [
    { dir: "api", goMod: parseGoMod("module example.com/api\ngo 1.24\n") },
    { dir: "worker", goMod: parseGoMod("module example.com/worker\ngo 1.24\n") },
  ];
  const plan = (main: string, goMod: (typeof modules)[number]["goMod"]) =>
    makePlan({ spec: parseSpec(`main: ${main}\n`), goMod, workspace: { goWork, modules }, options }).cacheKey;
  assert.equal(plan("./api", modules[0]!.goMod), plan("./worker", modules[1]!.goMod));
  assert.notEqual(plan("./api", modules[0]!.goMod), key("module example.com/api\ngo 1.24\n"));
});

test("the build arg picks a namespace, and the service's option encloses it", () => {
  const arg = (v: string) => ({ buildArgs: { SLIMGO_CACHE_NAMESPACE: v } });
  assert.notEqual(key(APP, arg("team-a")), key(APP));
  assert.notEqual(key(APP, arg("team-a")), key(APP, arg("team-b")));
  // Same build arg, other tenant: a build arg never reaches another tenant's caches.
  assert.notEqual(key(APP, { ...arg("x"), cacheNamespace: "tenant-a" }), key(APP, { ...arg("x"), cacheNamespace: "tenant-b" }));
  assert.notEqual(key(APP, { cacheNamespace: "tenant-a" }), key(APP));
  // The key is not a concatenation that two namespaces could share.
  assert.notEqual(cacheKey({ option: "a", buildArg: "b", modules: [] }), cacheKey({ option: "", buildArg: "ab", modules: [] }));
});
