/**
 * Side-by-side build benchmark on one engine: the seed Dockerfile, an expert
 * Dockerfile and slimgo build the same generated service; the host's own
 * incremental `go build` is the limit. Writes bench/results.{md,json}.
 *
 *   make bench            (node --import tsx bench/run.ts [--runs N])
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { prefetchModules, startGoProxy } from "../scripts/goproxy.js";
import { run } from "../test/support/docker.js";
import { CONTENDERS, type Contender } from "./contenders.js";
import { type FrontendSample, type Row, writeReport } from "./report.js";
import { MODULE_CHANGES, addModule, moduleCount, oneLineChange, writeWorkload } from "./workload.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const RUNS = Number(values.runs);
if (RUNS > MODULE_CHANGES) process.stderr.write(`bench: only ${MODULE_CHANGES} distinct go.mod changes; runs past that hit the cache\n`);
const dir = mkdtempSync(join(tmpdir(), "slimgo-bench-"));
writeWorkload(dir);
const modules = moduleCount(dir);
const logStart = readFileSync("/tmp/dockerd.log", "utf8").length;
for (const c of CONTENDERS) writeFileSync(join(dir, c.file), c.text);
writeFileSync(join(dir, ".dockerignore"), "*.Dockerfile\nslimgo.yaml\n");
// Every workload state's modules, so the go.mod scenario fetches from the proxy too.
const variants = Array.from({ length: MODULE_CHANGES }, (_, n) => {
  const v = mkdtempSync(join(tmpdir(), "slimgo-bench-variant-"));
  writeWorkload(v);
  addModule(v, n);
  return v;
});
const proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), [dir, ...variants]));
for (const v of variants) rmSync(v, { recursive: true, force: true });
const hostCache = mkdtempSync(join(tmpdir(), "slimgo-bench-gocache-"));

/** Image tags must be lowercase; one per contender. */
const imageTag = (c: Contender) => `slimgo-bench-${c.file.toLowerCase().replace(/[^a-z0-9]+/g, "-")}:latest`;

interface Sample {
  seconds: number;
  zips: number;
}

async function build(c: Contender, extra: string[] = [], tag = imageTag(c)): Promise<Sample> {
  proxy.reset();
  const args = ["buildx", "build", "-q", "-f", join(dir, c.file), "--network=host", "--build-arg", `GOPROXY=${proxy.url}`, "--build-arg", "GOSUMDB=off"];
  const output = extra.includes("--platform") ? ["--output", "type=oci,dest=/dev/null"] : ["-t", tag, "--load"];
  const t0 = performance.now();
  const res = await run("docker", [...args, ...output, ...extra, dir]);
  const seconds = (performance.now() - t0) / 1000;
  if (res.code !== 0) throw new Error(`${c.name} build failed:\n${res.stderr.slice(-3000)}`);
  return { seconds, zips: proxy.zips().length };
}

function hostBuild(): Sample {
  const t0 = performance.now();
  execFileSync("go", ["build", "-trimpath", "-ldflags", "-s -w", "-o", join(hostCache, "app"), "./cmd/server"], {
    cwd: dir,
    env: { ...process.env, GOTOOLCHAIN: "local", CGO_ENABLED: "0", GOCACHE: hostCache, GOFLAGS: "-mod=mod", GOPROXY: proxy.url, GOSUMDB: "off" },
  });
  return { seconds: (performance.now() - t0) / 1000, zips: 0 };
}

const rows: Row[] = [];
const record = (scenario: string, contender: string, samples: Sample[], note = "") =>
  rows.push({ scenario, contender, seconds: samples.map((s) => s.seconds), zips: samples.map((s) => s.zips), note });

async function repeat(n: number, prepare: (i: number) => void | Promise<void>, measure: () => Promise<Sample> | Sample): Promise<Sample[]> {
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    await prepare(i);
    out.push(await measure());
  }
  return out;
}

const prune = async () => void (await run("docker", ["builder", "prune", "-af"]));
let edit = 0;

for (const c of CONTENDERS) {
  process.stderr.write(`bench: ${c.name}\n`);
  record("cold (empty BuildKit cache)", c.name, await repeat(RUNS, prune, () => build(c)));
  record("no-op rebuild", c.name, await repeat(RUNS, () => {}, () => build(c)));
  record("one-line source change", c.name, await repeat(RUNS, () => oneLineChange(dir, edit++), () => build(c)));
  const goModBefore = readFileSync(join(dir, "go.mod"), "utf8");
  const goSumBefore = readFileSync(join(dir, "go.sum"), "utf8");
  const mainBefore = readFileSync(join(dir, "cmd/server/main.go"), "utf8");
  const restore = () => {
    writeFileSync(join(dir, "go.mod"), goModBefore);
    writeFileSync(join(dir, "go.sum"), goSumBefore);
    writeFileSync(join(dir, "cmd/server/main.go"), mainBefore);
  };
  record(
    "go.mod change (one new module)",
    c.name,
    await repeat(RUNS, async (i) => (restore(), await build(c), addModule(dir, i)), () => build(c)),
  );
  restore();
  const amd64 = await repeat(RUNS, () => oneLineChange(dir, edit++), () => build(c, ["--platform", "linux/amd64"]));
  record("one-line change, linux/amd64 (OCI export)", c.name, amd64);
  if (c.crossCompiles) {
    record("one-line change, linux/amd64+linux/arm64", c.name, await repeat(RUNS, () => oneLineChange(dir, edit++), () => build(c, ["--platform", "linux/amd64,linux/arm64"])));
  } else {
    rows.push({ scenario: "one-line change, linux/amd64+linux/arm64", contender: c.name, seconds: [], zips: [], note: "n/a: needs QEMU, which this machine does not have" });
  }
  await build(c);
  const inspect = JSON.parse((await run("docker", ["image", "inspect", imageTag(c)])).stdout)[0];
  rows.push({ scenario: "image size (docker image inspect)", contender: c.name, seconds: [], zips: [], note: "", size: inspect.Size });
}

process.stderr.write("bench: host go build\n");
hostBuild();
record("one-line source change", "host go build (incremental)", await repeat(RUNS, () => oneLineChange(dir, edit++), hostBuild));

// The frontend logs its phases, then its uptime and peak RSS at Return (daemon log).
const frontend: FrontendSample[] = [];
let buildMs = 0;
for (const line of readFileSync("/tmp/dockerd.log", "utf8").slice(logStart).split("\n")) {
  if (!line.startsWith("{") || !line.includes('"name":"slimgo"')) continue;
  const entry = JSON.parse(line) as { msg: string; phases?: Record<string, number>; uptimeMs?: number; maxRssKb?: number };
  if (entry.phases) buildMs = (entry.phases["build+verify"] ?? 0) + (entry.phases["runtime libs"] ?? 0);
  if (entry.msg === "returned to BuildKit" && entry.uptimeMs !== undefined) {
    frontend.push({ uptimeMs: entry.uptimeMs, buildMs, maxRssKb: entry.maxRssKb ?? 0 });
    buildMs = 0;
  }
}

await proxy.close();
rmSync(dir, { recursive: true, force: true });
rmSync(hostCache, { recursive: true, force: true });
writeReport(rows, { modules, frontend, runs: RUNS });
