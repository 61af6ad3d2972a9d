/**
 * slimgo serve's benchmark rows, runnable on their own:
 *
 *   node --import tsx bench/serve.ts [--runs N]      (make bench-serve)
 *
 * 1. Warm one-line rebuild, submit to done: through the service (a client in
 *    this process: no CLI start, and no frontend container since the service
 *    runs the frontend itself) vs `docker buildx build` on a remote-driver
 *    builder attached to the same standalone buildkitd. Goal ≤ 0.8×.
 * 2. A fresh node (empty state) behind a second service sharing the first
 *    one's registry cache, after another one-line change: module zips fetched
 *    (goal 0) and its time against the warm time (goal ≤ 1.5×).
 * Prints a Markdown table and writes bench/serve-results.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { contextTar } from "../src/builds-client/context-tar.js";
import { BuildState } from "../src/gen/slimgo/v1/builds_pb.js";
import { prefetchModules, startGoProxy } from "../scripts/goproxy.js";
import { type BuildkitNode, startNode } from "../test/support/buildkit/buildkitd.js";
import { makeCerts } from "../test/support/buildkit/certs.js";
import { run } from "../test/support/docker.js";
import { type Service, startService } from "../test/support/serve/service.js";
import { BUILDER, CONTENDERS, SLIMGO_IMAGE } from "./contenders.js";
import { startBenchRegistry } from "./registry.js";
import { ensureBuildkitd } from "./tools.js";
import { oneLineChange, writeWorkload } from "./workload.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const RUNS = Number(values.runs);
const TENANT = { name: "bench", token: "bench-token-0123456789" };

// SLIMGO_BUILDKIT_BIN names binaries already built (as the remote suite takes them).
if (process.env["SLIMGO_BUILDKIT_BIN"] === undefined) ensureBuildkitd();
const root = mkdtempSync(join(tmpdir(), "slimgo-bench-serve-"));
const dir = join(root, "workload");
writeWorkload(dir);
const spec = CONTENDERS.find((c) => c.name === "slimgo")!;
writeFileSync(join(dir, spec.file), spec.text);
const proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), [dir]));
const registry = await startBenchRegistry();
const certs = makeCerts(root);
const stops: Array<() => Promise<void>> = [];
const goFlags = ["--build-arg", `GOPROXY=${proxy.url}`, "--build-arg", "GOSUMDB=off", "--network", "host", "--allow", "network.host", "--platform", "linux/amd64"];
let edit = 0;

async function node(name: string, port: number): Promise<BuildkitNode> {
  const n = await startNode({ name, dir: root, tcp: { port, certs }, registry: registry.host, tmpfs: true, noGc: true });
  stops.push(() => n.destroy());
  return n;
}

async function startServiceFor(label: string, n: BuildkitNode): Promise<Service> {
  const s = await startService({
    dir: join(root, label),
    tenants: [TENANT],
    nodes: [{ name: n.name, addr: n.addr, tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey }, platforms: ["linux/amd64"], maxBuilds: 1 }],
    cacheRegistry: `${registry.host}/slimgo-serve-cache`,
  });
  stops.push(() => s.stop());
  return s;
}

/** A fresh node as a CI runner has it: the builder image pulled, nothing built. */
async function pullBuilder(n: BuildkitNode): Promise<void> {
  const ctx = join(root, `pull-${n.name}`);
  mkdirSync(ctx, { recursive: true });
  writeFileSync(join(ctx, "Dockerfile"), `FROM ${BUILDER}\nRUN true\n`);
  const res = await n.buildctl(["build", "--frontend", "dockerfile.v0", "--local", `context=${ctx}`, "--local", `dockerfile=${ctx}`]);
  if (res.code !== 0) throw new Error(`pulling ${BUILDER} on ${n.name}: ${res.stderr.trim().slice(-1500)}`);
}

/** Submit to verdict, in seconds, through the service. */
async function viaService(s: Service): Promise<number> {
  const client = s.client(TENANT.name);
  try {
    const t0 = performance.now();
    const id = await client.submit({ args: goFlags, context: contextTar(dir) });
    const last = { state: BuildState.UNSPECIFIED as BuildState, error: "" };
    await client.watch(id, (e) => {
      if (e.event.case === "build") Object.assign(last, { state: e.event.value.state, error: e.event.value.error });
    });
    const took = (performance.now() - t0) / 1000;
    if (last.state !== BuildState.SUCCEEDED) throw new Error(`build ${id} through the service: ${BuildState[last.state]}: ${last.error}`);
    return took;
  } finally {
    client.close();
  }
}

/** `docker buildx build` on the remote builder, CLI start included, as a user runs it. */
async function viaBuildx(builder: string): Promise<number> {
  const t0 = performance.now();
  const res = await run("docker", ["buildx", "build", "--builder", builder, "--progress", "quiet", "-f", join(dir, spec.file), ...goFlags, dir]);
  const took = (performance.now() - t0) / 1000;
  if (res.code !== 0) throw new Error(`docker buildx build: ${res.stderr.trim().slice(-1500)}`);
  return took;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const fmt = (xs: readonly number[]) => `${median(xs).toFixed(2)} s (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;

try {
  process.stderr.write("bench serve: filling the registry, starting the node, the service and the remote builder\n");
  await registry.pushAsDockerHub([BUILDER, SLIMGO_IMAGE]);
  const n1 = await node("serve-n1", 5401);
  const s1 = await startServiceFor("serve1", n1);
  const builder = `slimgo-bench-serve-${process.pid}`;
  const created = await run("docker", ["buildx", "create", "--name", builder, "--driver", "remote", "--driver-opt", `cacert=${certs.ca},cert=${certs.clientCert},key=${certs.clientKey}`, n1.addr]);
  if (created.code !== 0) throw new Error(`docker buildx create: ${created.stderr.trim()}`);
  stops.push(async () => void (await run("docker", ["buildx", "rm", "--force", builder])));
  // One unmeasured build each: the rows below measure warm rebuilds.
  await viaService(s1);
  await viaBuildx(builder);
  const service: number[] = [];
  const buildx: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    oneLineChange(dir, edit++);
    service.push(await viaService(s1));
    oneLineChange(dir, edit++);
    buildx.push(await viaBuildx(builder));
    process.stderr.write(`bench serve: warm run ${i + 1}: service ${service.at(-1)!.toFixed(2)} s, buildx ${buildx.at(-1)!.toFixed(2)} s\n`);
  }
  // A fresh node behind a second service that shares the registry cache the first one wrote.
  const fresh: number[] = [];
  const fetched: number[] = [];
  for (let i = 0; i < Math.max(1, Math.min(RUNS, 2)); i++) {
    oneLineChange(dir, edit++);
    await viaService(s1); // the cache now holds this commit's layers
    oneLineChange(dir, edit++);
    const n = await node(`serve-fresh-${i}`, 5410 + i);
    await pullBuilder(n);
    const s = await startServiceFor(`fresh${i}`, n);
    proxy.reset();
    fresh.push(await viaService(s));
    fetched.push(proxy.zips().length);
    process.stderr.write(`bench serve: fresh node ${i + 1}: ${fresh.at(-1)!.toFixed(2)} s, ${fetched.at(-1)} module zips fetched\n`);
    await s.stop();
    await n.destroy();
  }
  const ratio = median(service) / median(buildx);
  const freshRatio = median(fresh) / median(service);
  const table = [
    `| row | time (median, min–max) | against | goal |`,
    `|---|---|---|---|`,
    `| warm one-line rebuild, submit to done through slimgo serve | ${fmt(service)} | ${ratio.toFixed(2)}× docker buildx build | ≤ 0.8× ${ratio <= 0.8 ? "met" : "missed"} |`,
    `| warm one-line rebuild, docker buildx build --builder (remote driver, same buildkitd) | ${fmt(buildx)} | 1.00× | |`,
    `| fresh node from the service's registry cache, one-line change | ${fmt(fresh)}, ${fetched.join("/")} module zips fetched | ${freshRatio.toFixed(2)}× warm | 0 fetches, ≤ 1.5× ${fetched.every((f) => f === 0) && freshRatio <= 1.5 ? "met" : "missed"} |`,
  ].join("\n");
  const out = `# slimgo serve benchmark\n\n\`node --import tsx bench/serve.ts --runs ${RUNS}\` on ${new Date().toISOString().slice(0, 10)}, ${RUNS} runs, the bench workload (bench/workload.ts), linux/amd64.\n\n${table}\n`;
  writeFileSync(resolve("bench/serve-results.md"), out);
  process.stdout.write(`${table}\n`);
} finally {
  for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  await registry.stop();
  await proxy.close();
  rmSync(root, { recursive: true, force: true });
}
