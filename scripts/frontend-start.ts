/**
 * Measures frontend images the way docs/frontend-image.md reports them: compressed size (`docker save | gzip`),
 * the frontend's own time from process start to Return on the engine (uptime minus the wait for the build) and
 * its CPU time, which the shared machine's load disturbs less: medians over no-op rebuilds of a stdlib-only
 * module. Several images are measured in turns, build by build, so each sees the same load.
 * Usage: node --import tsx scripts/frontend-start.ts RUNS IMAGE...   (needs a running engine)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const DAEMON_LOG = "/tmp/dockerd.log";
// A main no other build on the shared engine uses, so its log lines can be told apart.
const MAIN = "./cmd/startprobe";

const [runsArg, ...images] = process.argv.slice(2);
const runs = Number(runsArg);
if (!Number.isInteger(runs) || runs < 1 || images.length === 0) {
  console.error("usage: frontend-start.ts RUNS IMAGE...");
  process.exit(2);
}

interface Sample {
  readonly uptimeMs: number;
  readonly buildMs: number;
  readonly cpuMs: number;
}

const dir = mkdtempSync(join(tmpdir(), "slimgo-start-"));
try {
  mkdirSync(join(dir, "cmd/startprobe"), { recursive: true });
  writeFileSync(join(dir, "go.mod"), "module example.com/startprobe\n\ngo 1.24\n");
  writeFileSync(join(dir, "cmd/startprobe/main.go"), 'package main\n\nfunc main() { println("probe") }\n');
  const build = (image: string) => {
    writeFileSync(join(dir, "slimgo.yaml"), `# syntax=${image}\nmain: ${MAIN}\n`);
    const r = spawnSync("docker", ["buildx", "build", "-q", "-f", join(dir, "slimgo.yaml"), dir], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`build with ${image} failed:\n${r.stderr.slice(-2000)}`);
  };
  const samples = new Map<string, Sample[]>(images.map((image) => [image, []]));
  for (const image of images) build(image); // fills the caches; the measured builds are no-op rebuilds
  for (let i = 0; i < runs; i++) {
    for (const image of images) {
      const offset = statSync(DAEMON_LOG).size;
      build(image);
      const sample = lastSample(readFileSync(DAEMON_LOG, "utf8").slice(offset));
      if (sample) samples.get(image)?.push(sample);
    }
  }
  for (const image of images) {
    const xs = samples.get(image) ?? [];
    const own = xs.map((s) => s.uptimeMs - s.buildMs);
    const gz = Number(execFileSync("bash", ["-c", `docker save '${image}' | gzip | wc -c`], { encoding: "utf8" }).trim());
    console.log(
      JSON.stringify({
        image,
        gzipMB: +(gz / 1e6).toFixed(1),
        ownMs: median(own),
        ownRange: [Math.min(...own), Math.max(...own)],
        uptimeMs: median(xs.map((s) => s.uptimeMs)),
        cpuMs: median(xs.map((s) => s.cpuMs)),
        n: xs.length,
      }),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The frontend's Return line that follows a plan for MAIN (other engineers' builds share the log). */
function lastSample(log: string): Sample | undefined {
  let mine = false;
  let buildMs = 0;
  let found: Sample | undefined;
  for (const text of log.split("\n")) {
    if (!text.startsWith("{") || !text.includes('"name":"slimgo"')) continue;
    const e = JSON.parse(text) as { msg: string; plan?: { main?: string }; phases?: Record<string, number>; uptimeMs?: number; cpuMs?: number };
    if (e.plan) mine = e.plan.main === MAIN;
    if (mine && e.phases) buildMs = (e.phases["build+verify"] ?? 0) + (e.phases["runtime libs"] ?? 0);
    if (mine && e.msg === "returned to BuildKit" && e.uptimeMs !== undefined) {
      found = { uptimeMs: e.uptimeMs, buildMs, cpuMs: e.cpuMs ?? NaN };
      mine = false;
    }
  }
  return found;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
}
