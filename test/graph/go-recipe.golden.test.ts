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
import { definitionDigests, marshal } from "../../src/llb/index.js";
import { makePlan } from "../../src/plan/index.js";
import { parseSpec } from "../../src/spec/index.js";
import { fixturePath } from "../support/fixture.js";
import { assertGolden } from "../support/golden.js";
import { AMD64 as amd64, BUILDER_CONFIG, CAPS, recipeDefinitions } from "./recipe.js";

function recipe(fixture: string, specText: string, opts: { platforms?: string; buildArgs?: Record<string, string>; target?: string } = {}): Definition[] {
  const goMod = readFileSync(`${fixturePath(fixture)}/go.mod`, "utf8");
  return recipeDefinitions({ spec: specText, goMod, ...opts }).defs;
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

type Mount = { input?: string; dest: string; selector?: string; readonly?: boolean; mountType?: string };
type ExecOp = { inputs: Array<{ digest: string }>; exec: { mounts: Mount[] } };

/** The named step's exec, with each mount's source step name (or "none"). */
function step(def: Definition, name: string): { mounts: Array<Mount & { from: string }> } {
  const ops = dump(def);
  const op = ops.find((o) => o.name === name)?.op as unknown as ExecOp | undefined;
  assert.ok(op, `no step named ${name}: ${ops.map((o) => o.name).filter(Boolean).join(", ")}`);
  const nameOf = (digest: string | undefined) => ops.find((o) => o.digest === digest)?.name ?? digest ?? "none";
  return { mounts: op.exec.mounts.map((m) => ({ ...m, from: m.input === undefined ? nameOf(op.inputs[0]?.digest) : m.input === "-1" ? "none" : nameOf(op.inputs[Number(m.input)]?.digest) })) };
}

test("the dependency step sees go.mod, the modules and the package list, never the source", () => {
  const [def] = recipe("plain", cases[0]?.[2] ?? "");
  const deps = step(def!, "compile the dependencies of ./cmd/plain");
  const sources = deps.mounts.map((m) => m.from);
  assert.ok(!sources.includes("[context] load build context"), `the dependency step mounts the source: ${sources.join(", ")}`);
  assert.ok(sources.includes("[context] load go.mod and go.sum"));
  assert.ok(sources.includes("go mod download"));
  // Read-only with a selector: BuildKit keys the step on the list file's content, so a .go edit that imports nothing new reuses it.
  const list = deps.mounts.find((m) => m.from === "go list -deps ./cmd/plain");
  assert.deepEqual([list?.selector, list?.readonly], ["deps.txt", true]);
  // The build step takes the layer read-only and copies it into the same go-build cache mount.
  const build = step(def!, "go build ./cmd/plain");
  assert.equal(build.mounts.find((m) => m.from === "compile the dependencies of ./cmd/plain")?.readonly, true);
  const cacheIds = [deps, build].map((s) => JSON.stringify(s.mounts.find((m) => m.mountType === "CACHE")));
  assert.equal(cacheIds[0], cacheIds[1]);
});

test("a vendored module has no dependency step: vendor/ is source", () => {
  const spec = parseSpec("# syntax=slimgo:dev\nmain: .\n");
  const goMod = parseGoMod(readFileSync(`${fixturePath("vendored")}/go.mod`, "utf8"));
  const plan = makePlan({ spec, goMod, vendored: true, options: { platforms: [], buildPlatform: amd64, buildArgs: {}, network: "sandbox", noCache: false } });
  const [image] = goRecipe(plan, { sessionId: "s", contextExcludes: [], builderConfig: BUILDER_CONFIG, baseConfigs: new Map(), resolveMode: "default", extraLabels: [] });
  const names = dump(marshal(image!.state, { caps: CAPS, platform: amd64 })).map((o) => o.name ?? "");
  assert.ok(names.some((n) => n.startsWith("go list -deps")), names.join(", "));
  assert.ok(!names.some((n) => n.includes("compile the dependencies")), names.join(", "));
});
