/**
 * Golden LLB for the Go recipe: the same spec and context give the same
 * bytes and digests, and a readable dump shows what each change does to the graph.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fromBinary, toJson } from "@bufbuild/protobuf";
import { type Definition, OpSchema } from "../../src/gen/pb/ops_pb.js";
import { goRecipe } from "../../src/graph/go-recipe.js";
import { parseGoMod } from "../../src/gomod/index.js";
import { SourceFile, definitionDigests, marshal } from "../../src/llb/index.js";
import { makePlan, parsePlatforms } from "../../src/plan/index.js";
import { parseSpec } from "../../src/spec/index.js";
import { fixturePath } from "../support/fixture.js";
import { assertGolden } from "../support/golden.js";

const amd64 = { os: "linux", architecture: "amd64" };
const CAPS = new Set(["exec.meta.setsdefaultpath", "file.base", "source.local.differ"]);
const BUILDER_CONFIG = { config: { Env: ["PATH=/go/bin:/usr/local/go/bin:/usr/bin:/bin", "GOPATH=/go", "GOTOOLCHAIN=local"], WorkingDir: "/go" } };

function recipe(fixture: string, specText: string, opts: { platforms?: string; buildArgs?: Record<string, string>; target?: string } = {}): Definition[] {
  const spec = parseSpec(specText);
  const goMod = parseGoMod(readFileSync(`${fixturePath(fixture)}/go.mod`, "utf8"));
  const plan = makePlan({
    spec,
    goMod,
    options: {
      platforms: opts.platforms ? parsePlatforms(opts.platforms) : [],
      buildPlatform: amd64,
      buildArgs: opts.buildArgs ?? {},
      network: "sandbox",
      noCache: false,
      ...(opts.target ? { target: opts.target } : {}),
    },
  });
  const images = goRecipe(plan, {
    sessionId: "session-golden",
    contextExcludes: ["bin", "*.test"],
    builderConfig: BUILDER_CONFIG,
    baseConfigs: new Map(),
    resolveMode: "default",
    extraLabels: [],
    specFile: new SourceFile("slimgo.yaml", new TextEncoder().encode(specText), "YAML"),
  });
  return images.map((img) => marshal(img.state, { caps: CAPS, platform: plan.buildPlatform }));
}

/** Op bodies as JSON, in definition order, with their progress names and digests. */
function dump(def: Definition) {
  const digests = definitionDigests(def);
  return def.def.map((bytes, i) => {
    const digest = digests[i] ?? "";
    const name = def.metadata[digest]?.description["llb.customname"];
    return { digest, ...(name ? { name } : {}), op: toJson(OpSchema, fromBinary(OpSchema, bytes)) };
  });
}

const MONOREPO_SPEC = readFileSync(`${fixturePath("monorepo")}/slimgo.yaml`, "utf8");

const cases: Array<[string, string, string, Parameters<typeof recipe>[2]]> = [
  ["plain", "plain", "# syntax=slimgo:dev\nmain: ./cmd/plain\n", {}],
  ["replace-proxy-args", "replace", "# syntax=slimgo:dev\nmain: ./cmd/app\ntags: [netgo]\n", { buildArgs: { GOPROXY: "http://127.0.0.1:3000", GOSUMDB: "off" } }],
  ["two-platforms-scratch", "plain", "# syntax=slimgo:dev\nmain: ./cmd/plain\nbase: scratch\n", { platforms: "linux/amd64,linux/arm64" }],
  ["monorepo-include-files", "monorepo", MONOREPO_SPEC, { target: "all", platforms: "linux/amd64,linux/arm64", buildArgs: { VERSION: "1.0.0" } }],
];

for (const [name, fixture, spec, opts] of cases) {
  test(`golden LLB: ${name}`, () => {
    const defs = recipe(fixture, spec, opts);
    assertGolden(`graph/${name}`, defs.map(dump));
  });
}

test("the recipe marshals to the same bytes every time", () => {
  const a = recipe("plain", cases[0]?.[2] ?? "");
  const b = recipe("plain", cases[0]?.[2] ?? "");
  assert.deepEqual(a.map((d) => d.def.map((x) => Buffer.from(x).toString("hex"))), b.map((d) => d.def.map((x) => Buffer.from(x).toString("hex"))));
});

test("download and build steps are shared between platforms; only the final stage differs", () => {
  const [amd, arm] = recipe("plain", "main: ./cmd/plain\n", { platforms: "linux/amd64,linux/arm64" });
  const names = (d: Definition | undefined) => new Set(Object.values(d?.metadata ?? {}).map((m) => m.description["llb.customname"]).filter(Boolean));
  const shared = [...names(amd)].filter((n) => names(arm).has(n));
  assert.ok(shared.includes("go mod download"));
  assert.ok(names(amd).has("[linux/amd64] go build ./cmd/plain"));
  assert.ok(names(arm).has("[linux/arm64] go build ./cmd/plain"));
  const downloadDigest = (d: Definition | undefined) =>
    Object.entries(d?.metadata ?? {}).find(([, m]) => m.description["llb.customname"] === "go mod download")?.[0];
  assert.equal(downloadDigest(amd), downloadDigest(arm));
});

test("a target's build step is the same op in its own image and in one that includes it", () => {
  const buildOf = (d: Definition | undefined, name: string) =>
    Object.entries(d?.metadata ?? {}).find(([, m]) => m.description["llb.customname"] === name)?.[0];
  const [worker] = recipe("monorepo", MONOREPO_SPEC, { target: "worker" });
  const [all] = recipe("monorepo", MONOREPO_SPEC, { target: "all" });
  const digest = buildOf(worker, "[worker] go build ./cmd/worker");
  assert.ok(digest !== undefined);
  assert.equal(buildOf(all, "[worker] go build ./cmd/worker"), digest);
  assert.ok(buildOf(all, "[api] go build ./cmd/api") !== undefined);
});
