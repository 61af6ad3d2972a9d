/** Command-line flags of fuzz/run.ts. */
import { availableParallelism } from "node:os";
import { TARGETS } from "./target.js";

export interface Args {
  readonly targets: readonly string[];
  readonly seed: string;
  /** Inputs per target. */
  readonly inputs: number;
  /** Seconds per target at most. */
  readonly seconds: number;
  readonly workers: number;
  readonly hangMs: number;
  readonly slowMs: number;
  readonly memoryMb: number;
  readonly ci: boolean;
  /** Where to write the JSON summary; undefined for none. */
  readonly json: string | undefined;
  readonly findings: string;
  readonly minimize: boolean;
  readonly replay: string | undefined;
  /** Costly findings (slow, hang, stall, oom, memory) per family after which it is no longer fed. */
  readonly familyBudget: number;
  /** Resource findings run again alone, per target at most. */
  readonly confirmations: number;
  /** Only these input families (all when empty). */
  readonly families: readonly string[];
}

/** CI: fixed seed, a fixed number of inputs per target and a time cap, about 2–3 minutes on 2 cores in all. */
export const CI_INPUTS: Readonly<Record<string, number>> = { spec: 20000, gomod: 20000, gowork: 20000, elf: 20000, image: 5000, git: 2000, gateway: 1500 };
const CI_SECONDS = 20;

export const USAGE = `usage: node --import tsx fuzz/run.ts [--target NAME[,NAME]] [--seed S] [--inputs N] [--seconds S]
                     [--workers N] [--hang-ms MS] [--slow-ms MS] [--memory-mb MB] [--json FILE]
                     [--findings DIR] [--family NAME[,NAME]] [--no-minimize] [--ci] | --replay FILE
targets: ${TARGETS.map((t) => t.name).join(", ")}`;

export class UsageError extends Error {
  override name = "UsageError";
}

export function parseArgs(argv: readonly string[]): Args {
  const flags = new Map<string, string>();
  const bools = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--ci" || a === "--no-minimize") bools.add(a);
    else if (a.startsWith("--") && i + 1 < argv.length) flags.set(a, argv[++i] as string);
    else throw new UsageError(`unknown argument ${JSON.stringify(a)}\n${USAGE}`);
  }
  const known = new Set(["--target", "--seed", "--inputs", "--seconds", "--workers", "--hang-ms", "--slow-ms", "--memory-mb", "--json", "--findings", "--replay", "--family"]);
  for (const f of flags.keys()) if (!known.has(f)) throw new UsageError(`unknown flag ${f}\n${USAGE}`);
  const num = (flag: string, fallback: number): number => {
    const v = flags.get(flag);
    if (v === undefined) return fallback;
    const n = Number(v.replaceAll("_", ""));
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} ${v}: expected a positive number`);
    return n;
  };
  const ci = bools.has("--ci");
  const names = (flags.get("--target") ?? TARGETS.map((t) => t.name).join(",")).split(",").filter(Boolean);
  for (const n of names) if (!TARGETS.some((t) => t.name === n)) throw new UsageError(`unknown target ${JSON.stringify(n)}: ${TARGETS.map((t) => t.name).join(", ")}`);
  return {
    targets: names,
    seed: flags.get("--seed") ?? (ci ? "ci" : "slimgo"),
    inputs: Math.floor(num("--inputs", ci ? 0 : 1_000_000)),
    seconds: num("--seconds", ci ? CI_SECONDS : Number.POSITIVE_INFINITY),
    workers: Math.floor(num("--workers", Math.min(2, availableParallelism()))),
    hangMs: num("--hang-ms", ci ? 3000 : 10_000),
    slowMs: num("--slow-ms", 1000),
    memoryMb: num("--memory-mb", 256),
    ci,
    json: flags.get("--json"),
    findings: flags.get("--findings") ?? "fuzz/findings",
    minimize: !bools.has("--no-minimize"),
    replay: flags.get("--replay"),
    familyBudget: ci ? 1 : 3,
    confirmations: ci ? 6 : 12,
    families: (flags.get("--family") ?? "").split(",").filter(Boolean),
  };
}

/** Inputs for one target: --inputs, or the CI table. */
export function inputsFor(args: Args, target: string): number {
  return args.inputs > 0 ? args.inputs : (CI_INPUTS[target] ?? 1000);
}
