/**
 * Side-by-side build benchmark: the seed Dockerfile, an expert Dockerfile,
 * slimgo and ko build the same generated service; the host's own `go build`
 * is the limit. Warm scenarios run on the engine's builder; cold and
 * registry-cache scenarios on fresh standalone buildkitd builders, so the
 * shared builder is never pruned. Writes bench/results.{md,json,png}.
 *
 *   make bench   (node --import tsx bench/run.ts [--runs N] [--fresh-runs N] [--only NAME,NAME])
 *   node --import tsx bench/run.ts --scenarios build-client   (only the `slimgo build` rows, bench/build-client.ts)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { prefetchModules, startGoProxy } from "../scripts/goproxy.js";
import { run } from "../test/support/docker.js";
import { type ClientRow, measureBuildClient, requireClientTools } from "./build-client.js";
import { currentSection, putSection, writeBuildClientSection } from "./build-client-report.js";
import { drawChart } from "./chart.js";
import { BUILDER, CONTENDERS, SLIMGO_IMAGE, SYNTAX_FRONTEND } from "./contenders.js";
import { KO_CONFIG_FILE, Ko, pushKoBase } from "./ko.js";
import { startBenchRegistry } from "./registry.js";
import { measureProject, prepareProject } from "./project-rows.js";
import { PROJECTS } from "./projects.js";
import { type FrontendSample, type ProjectRow, type Row, SCENARIOS, projectTable, sampleRow, writeReport } from "./report.js";
import { startFreshBuilder } from "./fresh-builder.js";
import { registryCacheRounds } from "./registry-cache-rounds.js";
import { type BuildKitSetup, type Runner, type Sample, buildKitRunner, hostRunner, koRunner } from "./runners.js";
import { ensureAptPackages, ensureBuildkitd, ensureKo } from "./tools.js";
import { MODULE_CHANGES, addModule, moduleCount, oneLineChange, writeWorkload } from "./workload.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    // Each cold or registry-cache round starts a builder and pulls its images: fewer by default.
    "fresh-runs": { type: "string", default: "2" },
    only: { type: "string" },
    // "build-client": only the `slimgo build` rows, written into their own section of results.md.
    scenarios: { type: "string", default: "all" },
    // Real projects beside the generated workload (bench/projects.ts), or "none".
    projects: { type: "string", default: PROJECTS.map((p) => p.name).join(",") },
  },
});
if (!["all", "build-client", "projects"].includes(values.scenarios)) {
  process.stderr.write(`bench: --scenarios ${values.scenarios} is not known: use all, build-client or projects\n`);
  process.exit(2);
}
const clientOnly = values.scenarios === "build-client";
// Only the real projects' rows, printed and not written: a quick look, or a check of bench/projects.ts.
const projectsOnly = values.scenarios === "projects";
/** The `slimgo build` rows compare small differences: at least 5 interleaved rounds. */
const CLIENT_ROUNDS = Math.max(Number(values.runs), 5);
const RUNS = Number(values.runs);
/** Slow cells (a full recompile, as the seed does on every change) run once: their spread is noise, not design. */
const SLOW_SECONDS = 20;
const FRESH_RUNS = Math.min(Number(values["fresh-runs"]), RUNS);
const only = values.only?.split(",").map((s) => s.trim().toLowerCase());
const projectNames = values.projects === "none" ? [] : values.projects.split(",").map((s) => s.trim());
const unknownProject = projectNames.find((n) => !PROJECTS.some((p) => p.name === n));
if (unknownProject !== undefined) {
  process.stderr.write(`bench: --projects ${unknownProject} is not known: use ${PROJECTS.map((p) => p.name).join(", ")} or none\n`);
  process.exit(2);
}
const wanted = (name: string) => !only || only.some((o) => name.toLowerCase().includes(o));
if (RUNS > MODULE_CHANGES) process.stderr.write(`bench: only ${MODULE_CHANGES} distinct go.mod changes; runs past that hit the cache\n`);

const started = performance.now();
if (clientOnly) await requireClientTools();
else ensureAptPackages();
const koBin = ensureKo();
if (!clientOnly) ensureBuildkitd();

const dir = mkdtempSync(join(tmpdir(), "slimgo-bench-"));
const scratch = mkdtempSync(join(tmpdir(), "slimgo-bench-scratch-"));
writeWorkload(dir);
const modules = moduleCount(dir);
const logStart = readFileSync("/tmp/dockerd.log", "utf8").length;
for (const c of CONTENDERS) writeFileSync(join(dir, c.file), c.text);
writeFileSync(join(dir, ".dockerignore"), `*.Dockerfile\nslimgo.yaml\n${KO_CONFIG_FILE}\n`);
// Every workload state's modules, so the go.mod scenario fetches from the proxy too.
const variants = Array.from({ length: clientOnly || projectsOnly ? 0 : MODULE_CHANGES }, (_, n) => {
  const v = mkdtempSync(join(tmpdir(), "slimgo-bench-variant-"));
  writeWorkload(v);
  addModule(v, n);
  return v;
});
const projects = (clientOnly ? [] : PROJECTS.filter((p) => projectNames.includes(p.name))).map((project) => {
  const projectDir = mkdtempSync(join(tmpdir(), `slimgo-bench-${project.name}-`));
  project.write(projectDir);
  prepareProject(project, projectDir);
  return { project, dir: projectDir };
});
const proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), [dir, ...variants, ...projects.map((p) => p.dir)]));
for (const v of variants) rmSync(v, { recursive: true, force: true });

const registry = await startBenchRegistry();
const rows: Row[] = [];
const projectRows: ProjectRow[] = [];
let clientRows: ClientRow[] | undefined;
const keptSection = currentSection();
const spans: BuildKitSetup["spans"] = [];
let edit = 0;
const change = () => oneLineChange(dir, edit++);
try {
  process.stderr.write("bench: filling the registry (builder and frontend images, ko's base)\n");
  // Only the fresh builders pull the builder and frontend images from it.
  if (!clientOnly) await registry.pushAsDockerHub([...new Set([BUILDER, SLIMGO_IMAGE, SYNTAX_FRONTEND, ...projects.flatMap((p) => p.project.images)])]);
  await pushKoBase(join(scratch, "ko-base"));
  const ko = new Ko(koBin, dir, scratch, proxy.url);
  if (clientOnly) {
    clientRows = await measureBuildClient({ dir, proxy, spans }, ko, CLIENT_ROUNDS, change);
  } else if (projectsOnly) {
    await measureProjects();
  } else {
    const runners: Runner[] = [
      ...CONTENDERS.map((c) => buildKitRunner(c, { dir, proxy, spans })),
      koRunner(ko, proxy),
      hostRunner(dir, scratch, proxy),
    ].filter((r) => wanted(r.name));
    for (const r of runners) await warmRows(r);
    if (wanted("slimgo build")) clientRows = await measureBuildClient({ dir, proxy, spans }, ko, CLIENT_ROUNDS, change);
    // Contenders share each fresh builder: their steps and cache mount ids differ, so none warms another.
    const warmup = { dir, images: [BUILDER], frontends: CONTENDERS.filter((c) => c.text.startsWith("# syntax=")).map((c) => c.file) };
    const withFreshBuilder = async (body: (name: string) => Promise<void>) => {
      const fresh = await startFreshBuilder(warmup);
      try {
        await body(fresh.name);
      } finally {
        await fresh.stop();
      }
    };
    const samples = new Map<Runner, Sample[]>(runners.map((r) => [r, []]));
    for (let round = 0; round < FRESH_RUNS; round++) {
      process.stderr.write(`bench: cold builds, round ${round + 1}\n`);
      await withFreshBuilder(async (name) => {
        for (const r of runners) samples.get(r)?.push(await r.cold(name));
      });
    }
    for (const r of runners) record(r, SCENARIOS.cold, samples.get(r) ?? []);
    const fromCache = await registryCacheRounds(runners, { rounds: FRESH_RUNS, change, startFreshBuilder: () => startFreshBuilder(warmup), label: "" });
    for (const [r, result] of fromCache) {
      if (typeof result === "string") record(r, SCENARIOS.fresh, result);
      else record(r, SCENARIOS.fresh, result.samples, result.exports);
    }
    await measureProjects();
  }
} finally {
  for (const p of projects) rmSync(p.dir, { recursive: true, force: true });
  await registry.stop();
  await proxy.close();
  rmSync(dir, { recursive: true, force: true });
  await run("chmod", ["-R", "u+w", scratch]); // Go leaves its module cache read-only
  rmSync(scratch, { recursive: true, force: true });
}

async function measureProjects(): Promise<void> {
  for (const { project, dir: projectDir } of projects) {
    projectRows.push(
      ...(await measureProject({ project, dir: projectDir, proxy, spans, koBin, scratch, runs: RUNS, freshRuns: FRESH_RUNS, wanted, startFreshBuilder })),
    );
  }
}

function record(r: Runner, scenario: string, samples: Sample[] | string, exportSeconds?: number[]): void {
  rows.push(sampleRow(r.name, scenario, samples, exportSeconds));
}

/** The scenarios on the engine's builder (and ko's and the host's warm caches). */
async function warmRows(r: Runner): Promise<void> {
  process.stderr.write(`bench: ${r.name}\n`);
  await r.build();
  record(r, SCENARIOS.noop, await repeat(RUNS, () => {}, r.build));
  record(r, SCENARIOS.oneLine, await repeat(RUNS, change, r.build));
  const before = ["go.mod", "go.sum", "cmd/server/main.go"].map((f) => [f, readFileSync(join(dir, f), "utf8")] as const);
  const restore = () => before.forEach(([f, text]) => writeFileSync(join(dir, f), text));
  record(r, SCENARIOS.goMod, await repeat(RUNS, async (i) => (restore(), await r.build(), addModule(dir, i)), r.build));
  restore();
  for (const [scenario, target] of [
    [SCENARIOS.amd64, r.amd64],
    [SCENARIOS.multi, r.multi],
  ] as const) {
    if (typeof target === "string") {
      record(r, scenario, target);
      continue;
    }
    await target(); // the first build of a target fills its caches; warm rebuilds are measured
    record(r, scenario, await repeat(RUNS, change, target));
  }
  const size = await r.size();
  rows.push({ scenario: SCENARIOS.size, contender: r.name, seconds: [], zips: [], note: size.note, size: size.bytes });
}

/** `docker save IMAGE | gzip | wc -c`: what a node pulls, near enough (registries keep gzip layers). */
async function compressedSize(image: string): Promise<number> {
  const res = await run("sh", ["-c", `docker save "$1" | gzip -c | wc -c`, "sh", image]);
  if (res.code !== 0) throw new Error(`docker save ${image} failed: ${res.stderr.trim()}`);
  return Number(res.stdout.trim());
}

async function repeat(n: number, prepare: (i: number) => unknown, body: () => Promise<Sample>): Promise<Sample[]> {
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    await prepare(i);
    out.push(await body());
    if (out[0] && out[0].seconds > SLOW_SECONDS) break;
  }
  return out;
}

if (projectsOnly) process.stdout.write(`${projectTable(projectRows).join("\n")}\n`);
else if (!clientOnly) {
  // The frontend logs its plan, phases, then uptime and peak RSS at Return to the daemon log. Other users of the
  // engine build with slimgo too: keep entries logged during this bench's slimgo builds, after a plan for ./cmd/server.
  const frontend: FrontendSample[] = [];
  const ours = (ms: number) => spans.some((s) => s.contender === "slimgo" && s.start <= ms && ms <= s.end);
  let buildMs = 0;
  let phases: Record<string, number> = {};
  let planned = false;
  for (const line of readFileSync("/tmp/dockerd.log", "utf8").slice(logStart).split("\n")) {
    if (!line.startsWith("{") || !line.includes('"name":"slimgo"')) continue;
    const entry = JSON.parse(line) as { time: number; msg: string; plan?: { main?: string }; phases?: Record<string, number>; uptimeMs?: number; maxRssKb?: number };
    if (!ours(entry.time)) continue;
    if (entry.plan) planned = entry.plan.main === "./cmd/server";
    if (entry.phases) {
      phases = entry.phases;
      buildMs = (entry.phases["build+verify"] ?? 0) + (entry.phases["runtime libs"] ?? 0);
    }
    if (entry.msg === "returned to BuildKit" && entry.uptimeMs !== undefined && planned) {
      frontend.push({ uptimeMs: entry.uptimeMs, buildMs, maxRssKb: entry.maxRssKb ?? 0, phases });
      buildMs = 0;
      phases = {};
      planned = false;
    }
  }

  writeReport(rows, projectRows, { modules, frontendImages: { slimgo: await compressedSize(SLIMGO_IMAGE), dockerfile: await compressedSize(SYNTAX_FRONTEND) }, frontend, runs: RUNS, freshRuns: FRESH_RUNS, minutes: (performance.now() - started) / 60_000 });
  drawChart("bench/results.json", "bench/results.png");
  putSection(keptSection); // writeReport rewrote results.md
}
if (clientRows) writeBuildClientSection(clientRows, CLIENT_ROUNDS);
