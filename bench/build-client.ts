/**
 * The `slimgo build` rows: warm no-op and one-line rebuilds on the engine's
 * builder with the bundled CLI (frontend in-process, over the engine's API
 * socket), `docker buildx build` with the slimgo image, the expert
 * Dockerfile behind a `# syntax=` Dockerfile-frontend image, and ko. Runs are
 * interleaved (every contender once per round), so load from other users of
 * the machine falls on all of them alike. Ratios are against the expert with
 * `# syntax=`, which pays for a frontend image as the slimgo image does.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { run } from "../test/support/docker.js";
import { CONTENDERS, NAMES, SYNTAX_FRONTEND, type Contender } from "./contenders.js";
import type { Ko } from "./ko.js";
import { type BuildKitSetup, type Sample, buildKitRunner, koRunner, stepSeconds } from "./runners.js";

export { SYNTAX_FRONTEND };
export const CLI_BUNDLE = resolve("dist/slimgo.mjs");

export const CLIENT_NAMES = {
  slimgoBuild: "slimgo build",
  buildxSlimgo: "buildx + slimgo image",
  expertSyntax: NAMES.expertSyntax,
  ko: "ko",
} as const;

export const CLIENT_SCENARIOS = { noop: "no-op rebuild", oneLine: "one-line source change" } as const;

/** Not builds: what a `slimgo build` pays before BuildKit sees its request. */
export const CLIENT_PROBES = {
  bareNode: "Node start alone (`node -e 0`)",
  node: "Node start + bundle load (`node dist/slimgo.mjs build --help`)",
  buildx: "docker CLI + buildx plugin start (`docker buildx version`), which `slimgo build` no longer pays on the engine's builder (other builders' `docker buildx dial-stdio` does)",
} as const;

/** Steps whose time the report shows beside the whole command (from the plain progress log). */
export const CLIENT_STEPS = ["go list -deps", "go build"] as const;

export interface ClientRow {
  readonly scenario: string;
  readonly contender: string;
  readonly seconds: number[];
  /** Seconds of each CLIENT_STEPS step per run, where the contender's log was read. */
  readonly steps?: Record<string, number[]>;
}

interface Measured {
  readonly seconds: number;
  readonly steps?: Record<string, number>;
}

interface Timed {
  readonly name: string;
  run(): Promise<Measured>;
}

export async function requireClientTools(): Promise<void> {
  if (!existsSync(CLI_BUNDLE)) throw new Error(`${CLI_BUNDLE} is missing: run \`npm run bundle\``);
  const img = await run("docker", ["image", "inspect", SYNTAX_FRONTEND, "--format", "{{.Id}}"]);
  if (img.code !== 0) throw new Error(`${SYNTAX_FRONTEND} is missing: run \`make dockerfile-frontend\``);
}

async function timedCommand(name: string, cmd: string, args: readonly string[]): Promise<{ seconds: number; log: string }> {
  const t0 = performance.now();
  const res = await run(cmd, args);
  const seconds = (performance.now() - t0) / 1000;
  if (res.code !== 0) throw new Error(`${name} failed (${cmd} ${args.join(" ")}):\n${res.stderr.slice(-3000)}`);
  return { seconds, log: res.stderr };
}

const stepsOf = (log: string) => Object.fromEntries(CLIENT_STEPS.map((n) => [n, stepSeconds(log, n)]));

/** The bundled CLI on the engine's own builder: the image is named into the engine's store. */
function slimgoBuild(s: BuildKitSetup): Timed {
  const args = [
    CLI_BUNDLE, "build", "--builder", "default", "--progress=plain", "-f", join(s.dir, "slimgo.yaml"), "--network=host",
    "--build-arg", `GOPROXY=${s.proxy.url}`, "--build-arg", "GOSUMDB=off", "-t", "slimgo-bench-client:latest", "--load", s.dir,
  ];
  return {
    name: CLIENT_NAMES.slimgoBuild,
    async run() {
      const r = await timedCommand("slimgo build", process.execPath, args);
      return { seconds: r.seconds, steps: stepsOf(r.log) };
    },
  };
}

/**
 * `rounds` interleaved rounds of each scenario after one unmeasured build per
 * contender. In a one-line round `change` edits one line before every build:
 * `slimgo build` and the slimgo image make the same LLB, so a state one of them
 * built would be a cache hit for the other.
 */
export async function measureBuildClient(s: BuildKitSetup, ko: Ko, rounds: number, change: () => void): Promise<ClientRow[]> {
  await requireClientTools();
  const slimgoImage = CONTENDERS.find((c) => c.name === NAMES.slimgo);
  const expertSyntax = CONTENDERS.find((c) => c.name === NAMES.expertSyntax);
  if (!slimgoImage || !expertSyntax) throw new Error("bench/contenders.ts lost the slimgo or the expert # syntax= contender");
  const buildx = (c: Contender, name: string): Timed => {
    const build = buildKitRunner(c, s).build;
    return { name, run: async () => withCompile(await build()) };
  };
  const contenders: Timed[] = [
    slimgoBuild(s),
    buildx(slimgoImage, CLIENT_NAMES.buildxSlimgo),
    buildx(expertSyntax, CLIENT_NAMES.expertSyntax),
    { name: CLIENT_NAMES.ko, run: koRunner(ko, s.proxy).build },
  ];
  const probes: Timed[] = [
    { name: CLIENT_PROBES.bareNode, run: () => timedCommand("node", process.execPath, ["-e", "0"]) },
    { name: CLIENT_PROBES.node, run: () => timedCommand("node", process.execPath, [CLI_BUNDLE, "build", "--help"]) },
    { name: CLIENT_PROBES.buildx, run: () => timedCommand("docker buildx version", "docker", ["buildx", "version"]) },
  ];
  process.stderr.write(`bench: slimgo build rows (${contenders.map((c) => c.name).join(", ")})\n`);
  for (const c of contenders) await c.run();
  const rows: ClientRow[] = [];
  const measure = async (scenario: string, list: Timed[], prepare: () => void) => {
    const runs = new Map<Timed, Measured[]>(list.map((c) => [c, []]));
    for (let i = 0; i < rounds; i++) {
      for (const c of list) {
        prepare();
        runs.get(c)?.push(await c.run());
      }
    }
    for (const c of list) {
      const ms = runs.get(c) ?? [];
      const steps = ms.some((m) => m.steps) ? Object.fromEntries(CLIENT_STEPS.map((n) => [n, ms.map((m) => m.steps?.[n] ?? 0)])) : undefined;
      rows.push({ scenario, contender: c.name, seconds: ms.map((m) => m.seconds), ...(steps ? { steps } : {}) });
    }
  };
  await measure(CLIENT_SCENARIOS.noop, contenders, () => {});
  await measure(CLIENT_SCENARIOS.oneLine, contenders, change);
  await measure("start-up", probes, () => {});
  return rows;
}

/** buildx contenders report their `go build` step as `compile`. */
function withCompile(sample: Sample): Measured {
  return sample.compile === undefined ? sample : { seconds: sample.seconds, steps: { "go build": sample.compile } };
}
