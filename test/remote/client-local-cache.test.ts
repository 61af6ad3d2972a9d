/**
 * `slimgo build --cache-to type=local,dest=DIR,mode=max` on a standalone
 * buildkitd writes DIR as an OCI layout holding the cache manifest; a fresh
 * node (empty state dir) given `--cache-from type=local,src=DIR` builds the
 * same commit without fetching a module and takes the compile from the cache.
 * A build that fails after the local export leaves DIR as it was. BuildKit's
 * own client (buildctl) reads the layout slimgo wrote, and slimgo reads one
 * buildctl wrote.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { describeStep, stepLog, stepReport } from "../support/progress.js";
import { type BuildkitNode, startNode } from "../support/buildkit/buildkitd.js";
import { buildctlBuild, slimgoBuild } from "./support/slimgo-build.js";
import { GREETING, type RemoteSuite, setUpSuite } from "./support/suite.js";

/** The seeding node, then three fresh ones. */
const PORTS = [5213, 5214, 5215, 5216].map((p, i) => Number(process.env[`SLIMGO_LOCAL_CACHE_PORT_${i}`] ?? p)) as [number, number, number, number];
const GO_BUILD = "go build ./cmd/plain";

let suite: RemoteSuite;
const nodes: BuildkitNode[] = [];
let dir: string;
let cache: string;

before(async () => {
  suite = await setUpSuite("local-cache");
  dir = suite.project();
  cache = join(suite.dir, "cache");
});

after(async () => {
  for (const n of nodes.splice(0)) await n.destroy();
  await suite?.close();
});

async function node(name: string, port: number): Promise<BuildkitNode> {
  const started = await startNode({ name, dir: suite.dir, tcp: { port, certs: suite.certs }, registry: suite.registry.host });
  nodes.push(started);
  return started;
}

const fail = (what: string, n: BuildkitNode, stderr: string) => `${what} failed:\n${stderr.slice(-4000)}\nbuildkitd:\n${n.daemon.tail()}`;

interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

/** A blob of the layout, checked against its digest and size. */
function blob(d: Descriptor): Buffer {
  const body = readFileSync(join(cache, "blobs", "sha256", d.digest.replace(/^sha256:/, "")));
  assert.equal(`sha256:${createHash("sha256").update(body).digest("hex")}`, d.digest, `blob ${d.digest} does not match its digest`);
  assert.equal(body.length, d.size, `blob ${d.digest} is not ${d.size} bytes`);
  return body;
}

test("--cache-to type=local,mode=max writes an OCI layout; a fresh node builds from it with --cache-from and fetches nothing", async (t) => {
  const seed = await node("local-cache-seed", PORTS[0]);
  const first = await slimgoBuild(suite, seed, dir, ["--cache-to", `type=local,dest=${cache},mode=max`]);
  assert.equal(first.code, 0, fail("the seeding build", seed, first.stderr));

  // An OCI layout naming the cache manifest under "latest"; every blob it names is there, whole.
  assert.deepEqual(JSON.parse(readFileSync(join(cache, "oci-layout"), "utf8")), { imageLayoutVersion: "1.0.0" });
  const index = JSON.parse(readFileSync(join(cache, "index.json"), "utf8")) as { manifests: Descriptor[] };
  assert.equal(index.manifests.length, 1);
  const top = index.manifests[0]!;
  assert.equal(top.annotations?.["org.opencontainers.image.ref.name"], "latest");
  const manifest = JSON.parse(blob(top).toString("utf8")) as { config: Descriptor; layers: Descriptor[] };
  assert.equal(manifest.config.mediaType, "application/vnd.buildkit.cacheconfig.v0");
  assert.ok(manifest.layers.length >= 3, `only ${manifest.layers.length} layers in the cache manifest`);
  const layerBytes = manifest.layers.reduce((n, l) => n + blob(l).length, 0);
  blob(manifest.config);
  assert.deepEqual(readdirSync(dirname(cache)).filter((n) => n.includes("slimgo-cache")), [], "a staging directory was left behind");
  t.diagnostic(`local cache: ${manifest.layers.length} layers, ${(layerBytes / 1e6).toFixed(1)} MB, manifest ${top.digest}`);

  const fresh = await node("local-cache-fresh", PORTS[1]);
  const out = join(suite.dir, "fresh-out");
  suite.proxy.reset();
  const second = await slimgoBuild(suite, fresh, dir, ["--cache-from", `type=local,src=${cache}`, "--output", `type=local,dest=${out}`]);
  assert.equal(second.code, 0, fail("the fresh node's build", fresh, second.stderr));
  // With an empty state dir the download step can only run by fetching from this proxy: 0 zips means it came from the cache.
  assert.deepEqual(suite.proxy.zips(), [], `the fresh node fetched modules:\n${stepLog(second.stderr, "go mod download")}`);
  const compile = stepReport(second.stderr, GO_BUILD);
  assert.equal(compile.state, "cached", `the compile did not come from the local cache:\n${stepLog(second.stderr, GO_BUILD)}`);
  assert.match(execFileSync(join(out, "usr/local/bin/plain"), { encoding: "utf8" }).trim(), GREETING);
  t.diagnostic(`fresh node from the local cache: 0 modules fetched, ${GO_BUILD} ${describeStep(compile)}, go mod download ${describeStep(stepReport(second.stderr, "go mod download"))}`);
});

/** A staged cache manifest of a local export in progress: a JSON blob in a staging directory beside `dir` naming the cache config. */
function stagedManifest(dir: string): boolean {
  for (const staging of readdirSync(dirname(dir)).filter((n) => n.startsWith(`.${basename(dir)}.slimgo-cache-`))) {
    const blobs = join(dirname(dir), staging, "blobs", "sha256");
    for (const name of existsSync(blobs) ? readdirSync(blobs) : []) {
      const body = readFileSync(join(blobs, name));
      if (body.length < 1 << 20 && body.includes("application/vnd.buildkit.cacheconfig.v0") && body.includes('"layers"')) return true;
    }
  }
  return false;
}

/**
 * A loopback "registry" that holds every request until `release`, then
 * answers 500: the registry cache export fails only after the local one has
 * staged its manifest (BuildKit runs the two in parallel).
 */
async function heldRegistry(release: () => boolean): Promise<{ host: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const poll = setInterval(() => {
      if (!release()) return;
      clearInterval(poll);
      res.writeHead(500).end("held registry: failing on purpose");
    }, 50);
    req.on("close", () => clearInterval(poll));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

test("a build that fails after its local cache was sent leaves the directory as it was", async () => {
  const seed = nodes[0] ?? (await node("local-cache-seed", PORTS[0]));
  const before = { index: readFileSync(join(cache, "index.json")), blobs: readdirSync(join(cache, "blobs", "sha256")).sort() };
  const changed = suite.project();
  writeFileSync(join(changed, "cmd", "plain", "extra.go"), "package main\n\nvar extra = 1\n");
  let staged = false;
  const registry = await heldRegistry(() => (staged ||= stagedManifest(cache)));
  try {
    const res = await slimgoBuild(suite, seed, changed, [
      "--cache-to", `type=local,dest=${cache},mode=max`,
      "--cache-to", `type=registry,ref=${registry.host}/nowhere/cache,registry.insecure=true`,
    ]);
    assert.equal(res.code, 1, `the build passed although its registry cache cannot be written:\n${res.stderr.slice(-2000)}`);
    assert.ok(staged, `the local export never staged its manifest:\n${res.stderr.slice(-3000)}`);
  } finally {
    await registry.close();
  }
  assert.deepEqual(readFileSync(join(cache, "index.json")), before.index);
  assert.deepEqual(readdirSync(join(cache, "blobs", "sha256")).sort(), before.blobs);
  assert.deepEqual(readdirSync(dirname(cache)).filter((n) => n.includes("slimgo-cache")), [], "a staging directory was left behind");
});

test("BuildKit's own client reads the layout slimgo wrote, and slimgo reads the one it writes", async (t) => {
  // The same frontend on every side (the image, as buildctl runs it), so only the cache layout is under test.
  const image = ["--frontend-image", suite.frontendRef];
  const mine = join(suite.dir, "cache-image-frontend");
  const seed = nodes[0] ?? (await node("local-cache-seed", PORTS[0]));
  const res0 = await slimgoBuild(suite, seed, dir, [...image, "--cache-to", `type=local,dest=${mine},mode=max`]);
  assert.equal(res0.code, 0, fail("slimgo with --frontend-image exporting a local cache", seed, res0.stderr));

  const viaGo = await node("local-cache-buildctl", PORTS[2]);
  const theirs = join(suite.dir, "cache-buildctl");
  suite.proxy.reset();
  const res = await buildctlBuild(suite, viaGo, dir, ["--import-cache", `type=local,src=${mine}`, "--export-cache", `type=local,dest=${theirs},mode=max`]);
  assert.equal(res.code, 0, fail("buildctl with slimgo's local cache", viaGo, res.stderr));
  assert.match(res.stderr, /importing cache manifest from local:/, `buildctl did not import slimgo's cache:\n${res.stderr.slice(-6000)}`);
  assert.deepEqual(suite.proxy.zips(), [], `buildctl's fresh node fetched modules from slimgo's cache:\n${stepLog(res.stderr, "go mod download")}`);
  assert.equal(stepReport(res.stderr, GO_BUILD).state, "cached", `buildctl did not take the compile from slimgo's cache:\n${stepLog(res.stderr, GO_BUILD)}`);

  const fresh = await node("local-cache-fresh2", PORTS[3]);
  suite.proxy.reset();
  const back = await slimgoBuild(suite, fresh, dir, [...image, "--cache-from", `type=local,src=${theirs}`]);
  assert.equal(back.code, 0, fail("slimgo with buildctl's local cache", fresh, back.stderr));
  assert.deepEqual(suite.proxy.zips(), [], `slimgo's fresh node fetched modules from buildctl's cache:\n${stepLog(back.stderr, "go mod download")}`);
  assert.equal(stepReport(back.stderr, GO_BUILD).state, "cached", `slimgo did not take the compile from buildctl's cache:\n${stepLog(back.stderr, GO_BUILD)}`);
  t.diagnostic("buildctl imported slimgo's local cache and slimgo imported buildctl's: 0 modules fetched, go build cached both ways");
});
