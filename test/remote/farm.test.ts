/**
 * A build farm: two standalone buildkitd nodes joined into one buildx builder
 * split a two-platform build and export a registry cache; then a fresh node
 * (empty state dir) builds the same commit from that cache and fetches no
 * module, and after a one-line change compiles only the changed package. The figures (modules fetched, compile seconds) are printed as test
 * diagnostics; docs/remote.md records them.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { describeStep, stepLog, stepReport } from "../support/progress.js";
import { type BuildkitNode, startNode } from "../support/buildkit/buildkitd.js";
import { type BuilderNode, type RemoteBuilder, createRemoteBuilder } from "./support/buildx.js";
import { type RemoteSuite, setUpSuite } from "./support/suite.js";

const PLATFORMS = ["linux/amd64", "linux/arm64"] as const;
const goBuild = (platform: string) => `[${platform}] go build ./cmd/plain`;
const DEPENDENCIES = "compile the dependencies of ./cmd/plain";
const MAIN_MODULE = "compile the main module's packages for ./cmd/plain";

let suite: RemoteSuite;
const nodes: BuildkitNode[] = [];
const builders: RemoteBuilder[] = [];
let dir: string;
let cacheRef: string;
let farm: RemoteBuilder;
let node1: BuildkitNode;

before(async () => {
  suite = await setUpSuite("farm");
  dir = suite.project();
  cacheRef = `${suite.registry.host}/slimgo-cache/plain:${process.pid}`;
});

after(async () => {
  for (const b of builders.splice(0)) await b.remove();
  for (const n of nodes.splice(0)) await n.destroy();
  await suite?.close();
});

async function node(name: string, port: number, platforms?: readonly string[]): Promise<BuildkitNode> {
  const started = await startNode({ name, dir: suite.dir, tcp: { port, certs: suite.certs }, registry: suite.registry.host, ...(platforms ? { platforms } : {}) });
  nodes.push(started);
  return started;
}

async function builder(name: string, members: readonly BuilderNode[]): Promise<RemoteBuilder> {
  const created = await createRemoteBuilder(`${name}-${process.pid}`, members, suite.certs);
  builders.push(created);
  return created;
}

/** The platform each build record on `n` was asked for, from its build history. */
async function builtPlatforms(n: BuildkitNode): Promise<string[]> {
  const res = await n.buildctl(["debug", "histories", "--format", "{{json .}}"]);
  assert.equal(res.code, 0, res.stderr);
  return res.stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => (JSON.parse(l) as { record?: { FrontendAttrs?: Record<string, string> } }).record?.FrontendAttrs?.["platform"] ?? "?");
}

function fail(what: string, stderr: string): string {
  return `${what} failed:\n${stderr.slice(-4000)}`;
}

test("two nodes split linux/amd64,linux/arm64 and export a registry cache", async (t) => {
  node1 = await node("node1", 5201);
  // node2 declares arm64 after amd64: steps run on a worker's first platform, and slimgo compiles there for arm64.
  const node2 = await node("node2", 5202, ["linux/amd64", "linux/arm64"]);
  farm = await builder("slimgo-farm", [
    { node: node1, platforms: ["linux/amd64"] },
    { node: node2, platforms: ["linux/arm64"] },
  ]);
  suite.proxy.reset();
  const res = await farm.build(dir, suite.goArgs, [
    "--network=host",
    "--platform", PLATFORMS.join(","),
    "--cache-to", `type=registry,ref=${cacheRef},mode=max`,
    "--output", `type=image,name=${suite.registry.host}/slimgo-farm/plain:${process.pid},push=true`,
  ]);
  assert.equal(res.code, 0, fail("farm build", res.stderr));
  for (const p of PLATFORMS) assert.match(res.stderr, new RegExp(`verified plain ${p}: static ${p.split("/")[1]} ELF`));
  assert.deepEqual(await builtPlatforms(node1), ["linux/amd64"], "node1 did not build exactly linux/amd64");
  assert.deepEqual(await builtPlatforms(node2), ["linux/arm64"], "node2 did not build exactly linux/arm64");
  // Each node runs its own download step: the module set is fetched once per node.
  t.diagnostic(`farm: modules fetched ${suite.proxy.zips().length} (${[...new Set(suite.proxy.zips())].join(", ")})`);
  // Each node builds one platform, so its steps carry no platform prefix.
  t.diagnostic(`farm: ${DEPENDENCIES} (one platform per node) ${describeStep(stepReport(res.stderr, DEPENDENCIES))}, go build ./cmd/plain ${describeStep(stepReport(res.stderr, "go build ./cmd/plain"))}`);
});

test("a fresh node builds the same commit from the registry cache without fetching a module", async (t) => {
  const fresh = await builder("slimgo-fresh", [{ node: await node("node3", 5203) }]);
  const out = join(suite.dir, "fresh-out");
  suite.proxy.reset();
  const res = await fresh.build(dir, suite.goArgs, [
    "--network=host",
    "--platform", PLATFORMS.join(","),
    "--cache-from", `type=registry,ref=${cacheRef}`,
    "--output", `type=local,dest=${out}`,
  ]);
  assert.equal(res.code, 0, fail("fresh node build", res.stderr));
  // With an empty fetch cache the download step can only run by fetching from this proxy: 0 zips means it came from the cache.
  assert.deepEqual(suite.proxy.zips(), [], `the fresh node fetched modules although the cache holds the module layer:\n${stepLog(res.stderr, "go mod download")}`);
  t.diagnostic(`fresh node, same commit: 0 modules fetched, go mod download ${describeStep(stepReport(res.stderr, "go mod download"))}`);
  for (const p of PLATFORMS) assert.ok(existsSync(join(out, p.replace("/", "_"), "usr/local/bin/plain")), `no ${p} binary`);
  // buildx hands the same --cache-to ref to every node, and the last node to
  // finish overwrites the other's cache manifest: one platform's compile comes
  // from the cache, the other is compiled again with an empty go-build cache.
  const compiles = PLATFORMS.map((p) => stepReport(res.stderr, goBuild(p)));
  for (const [i, p] of PLATFORMS.entries()) {
    const deps = stepReport(res.stderr, `[${p}] ${DEPENDENCIES}`);
    t.diagnostic(`fresh node, same commit: ${goBuild(p)} ${describeStep(compiles[i]!)}, its dependency step ${describeStep(deps)}`);
  }
  assert.ok(compiles.some((c) => c.state === "cached"), `no compile came from the registry cache: ${compiles.map(describeStep).join(", ")}`);
});

/** "compiled 3 packages" from the build step's own output line; undefined when the step did not run. */
function compiledPackages(log: string, step: string): number | undefined {
  const lines = stepLog(log, step);
  const m = /slimgo: compiled (\d+) packages?;/.exec(lines);
  return m ? Number(m[1]) : undefined;
}

/** Two packages of the main module below main: cmd/plain → internal/greet → internal/greet/words. */
function addLibraries(root: string): void {
  mkdirSync(join(root, "internal/greet/words"), { recursive: true });
  writeFileSync(join(root, "internal/greet/words/words.go"), 'package words\n\n// Hello is the greeting word.\nconst Hello = "hello"\n');
  writeFileSync(
    join(root, "internal/greet/greet.go"),
    'package greet\n\nimport "example.com/plain/internal/greet/words"\n\n// Line greets name.\nfunc Line(name string) string { return words.Hello + " from " + name }\n',
  );
  const main = join(root, "cmd/plain/main.go");
  const text = readFileSync(main, "utf8").replace('"os"\n', '"os"\n\n\t"example.com/plain/internal/greet"\n').replace("fmt.Printf(", 'fmt.Println(greet.Line("a library"))\n\tfmt.Printf(');
  writeFileSync(main, text);
}

test("a one-line change on a fresh node compiles only the changed package", async (t) => {
  // The main module's other packages come from its layer in the registry cache, not from a compile.
  addLibraries(dir);
  // One cache ref per platform: buildx hands a farm's nodes one --cache-to
  // ref and the last node's manifest replaces the others (docker/buildx#1044).
  const amd64Cache = `${cacheRef}-amd64`;
  const seed = await farm.build(dir, suite.goArgs, ["--network=host", "--platform", "linux/amd64", "--cache-to", `type=registry,ref=${amd64Cache},mode=max`, "--output", "type=cacheonly"]);
  assert.equal(seed.code, 0, fail("amd64 cache export", seed.stderr));

  const main = join(dir, "cmd/plain/main.go");
  writeFileSync(main, readFileSync(main, "utf8").replace('"hello from plain"', JSON.stringify(`hello from plain ${Date.now()}`)));
  // A second fresh node: the first one's go-build cache mount is warm by now.
  const used = nodes.findIndex((n) => n.name === "node3");
  if (used >= 0) await nodes.splice(used, 1)[0]?.destroy(); // frees port 5203
  const fresh = await builder("slimgo-fresh2", [{ node: await node("node3b", 5203) }]);
  const args = ["--network=host", "--platform", "linux/amd64", "--cache-from", `type=registry,ref=${amd64Cache}`, "--output", "type=cacheonly"];
  suite.proxy.reset();
  const cold = await fresh.build(dir, suite.goArgs, args);
  assert.equal(cold.code, 0, fail("fresh node rebuild", cold.stderr));
  assert.deepEqual(suite.proxy.zips(), [], `a .go change on a fresh node fetched modules:\n${stepLog(cold.stderr, "go mod download")}`);
  const deps = stepReport(cold.stderr, DEPENDENCIES);
  assert.equal(deps.state, "cached", `the dependency layer did not come from the registry cache:\n${stepLog(cold.stderr, DEPENDENCIES)}`);
  const library = stepReport(cold.stderr, MAIN_MODULE);
  assert.equal(library.state, "cached", `the main module's layer did not come from the registry cache after an edit in main:\n${stepLog(cold.stderr, MAIN_MODULE)}`);
  const freshCompiled = compiledPackages(cold.stderr, "go build ./cmd/plain");
  // Of the main module's three packages, only main changed.
  assert.equal(freshCompiled, 1, `the fresh node compiled more than the changed package:\n${stepLog(cold.stderr, "go build ./cmd/plain")}`);

  const warm = await farm.build(dir, suite.goArgs, args);
  assert.equal(warm.code, 0, fail("farm rebuild", warm.stderr));
  const compile = (log: string) => describeStep(stepReport(log, "go build ./cmd/plain"));
  t.diagnostic(`one-line change, go build linux/amd64: fresh node ${compile(cold.stderr)}, ${freshCompiled} package compiled; farm node1 (warm go-build cache) ${compile(warm.stderr)}, ${compiledPackages(warm.stderr, "go build ./cmd/plain")} compiled`);
});
