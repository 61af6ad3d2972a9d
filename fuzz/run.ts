/**
 * `make fuzz` / `make fuzz-ci`: in-process fuzzing of the spec, go.mod and
 * go.work parsers, the ELF readers, `docker save` tars and gateway replies.
 * See fuzz/README.md.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Args, USAGE, UsageError, inputsFor, parseArgs } from "./args.js";
import { type Hit, runCampaign } from "./campaign.js";
import { type Distinct, findingLine, groupHits, saveReproducer } from "./findings.js";
import { goBinaries } from "./go-binaries.js";
import type { FindingKind, Limits } from "./oracle.js";
import { type TargetReport, duration, findingsText, summaryTable, targetReport } from "./report.js";
import { Solo, type SoloOptions, shrink } from "./solo.js";
import { TARGETS } from "./target.js";
import { HarnessError } from "./worker-handle.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 };
const RESOURCE_KINDS: ReadonlySet<FindingKind> = new Set(["slow", "hang", "stall", "oom", "memory"]);
/**
 * Kinds a busy machine can produce by itself, so they are run again alone before they count: a stall too, as
 * pool work (zlib) can sit unstarted long enough to look like one; a hang is far past the slow limit.
 */
const CONFIRM_KINDS: ReadonlySet<FindingKind> = new Set(["slow", "stall", "oom", "memory"]);
const say = (line: string) => process.stdout.write(`${line}\n`);

function moduleUrl(target: string): string {
  const t = TARGETS.find((x) => x.name === target);
  if (t === undefined) throw new UsageError(`unknown target ${target}`);
  return new URL(t.module, import.meta.url).href;
}

function soloOptions(args: Args, target: string, bins: ReadonlyArray<[string, string]>, limits: Limits): SoloOptions {
  return {
    target,
    config: { targetModule: moduleUrl(target), root: ROOT, goBinaries: bins, seed: args.seed, limits },
    limits,
    hangMs: args.hangMs,
    resourceLimits: RESOURCE_LIMITS,
  };
}

/** Run each resource finding again alone; keep those that happen again, under the kind they show alone. */
async function confirm(solo: Solo, distinct: readonly Distinct[], suspects: ReadonlyArray<{ index: number; family: string }>, budget: number): Promise<{ hits: Hit[]; unconfirmed: number }> {
  const hits: Hit[] = [];
  let unconfirmed = 0;
  const perFamily = new Map<string, number>();
  const candidates = [
    ...distinct.filter((d) => CONFIRM_KINDS.has(d.kind)).map((d) => ({ index: d.first.index, family: d.first.finding.family, kind: d.kind, hits: d.hits })),
    ...suspects.map((s) => ({ ...s, kind: "memory" as FindingKind, hits: 1 })),
  ];
  for (const c of candidates) {
    const seen = perFamily.get(c.family) ?? 0;
    if (budget <= 0 || seen >= 2) continue;
    perFamily.set(c.family, seen + 1);
    budget--;
    // Memory is measured in a fresh worker, whose heap holds nothing of earlier inputs; time needs none.
    const fresh = c.kind !== "slow";
    let again = await solo.run({ index: c.index }, fresh);
    if (again.finding === undefined) again = await solo.run({ index: c.index }, fresh);
    if (again.finding === undefined || !RESOURCE_KINDS.has(again.finding.kind)) {
      unconfirmed++;
      if (again.finding !== undefined) hits.push({ index: c.index, finding: again.finding });
      continue;
    }
    for (let i = 0; i < c.hits; i++) hits.push({ index: c.index, finding: again.finding });
  }
  return { hits, unconfirmed };
}

async function fuzzTarget(args: Args, target: string, bins: ReadonlyArray<[string, string]>): Promise<{ report: TargetReport; distinct: Distinct[] }> {
  const limits: Limits = { slowMs: args.slowMs, memoryMb: args.memoryMb };
  const opts = soloOptions(args, target, bins, limits);
  const inputs = inputsFor(args, target);
  say(`== ${target}: ${inputs} inputs${Number.isFinite(args.seconds) ? ` or ${args.seconds} s` : ""}, seed ${JSON.stringify(args.seed)}, ${args.workers} workers`);
  const result = await runCampaign({
    target,
    config: opts.config,
    inputs,
    seconds: args.seconds,
    workers: args.workers,
    limits,
    hangMs: args.hangMs,
    resourceLimits: RESOURCE_LIMITS,
    familyBudget: args.familyBudget,
    hardMemoryMb: 3072,
    progress: say,
    families: args.families,
  });
  const solo = new Solo(opts);
  try {
    const first = groupHits(result.hits);
    const confirmed = await confirm(solo, first, result.memorySuspects, args.confirmations);
    const distinct = groupHits([...result.hits.filter((h) => !CONFIRM_KINDS.has(h.finding.kind)), ...confirmed.hits]);
    const { ext, shrinkable } = await solo.info();
    for (const d of distinct) {
      const made = await solo.generate(d.first.index);
      let bytes = made.bytes;
      d.originalBytes = bytes.length;
      if (shrinkable && args.minimize && !RESOURCE_KINDS.has(d.kind)) {
        bytes = await shrink(solo, bytes, made.family, d.key, args.ci ? { tries: 80, ms: 5000 } : { tries: 600, ms: 30_000 });
      }
      d.bytes = bytes.length;
      d.file = saveReproducer(ROOT, resolve(ROOT, args.findings), d, ext, bytes, args.seed);
      say(findingLine(d));
    }
    const report = targetReport(target, result, distinct, confirmed.unconfirmed);
    say(`   ${target}: ${report.inputs} inputs in ${report.seconds} s (${report.inputsPerSecond}/s), max ${report.maxMs} ms, peak RSS ${report.peakRssMb} MiB; findings: ${findingsText(report)}`);
    return { report, distinct };
  } finally {
    await solo.close();
  }
}

/** --target when one is given, else the target named by the reproducer's file name. */
function replayTargetOf(args: Args, file: string): string {
  return args.targets.length === 1 ? (args.targets[0] as string) : (basename(file).split("-")[0] ?? "");
}

async function replay(args: Args, file: string, bins: ReadonlyArray<[string, string]>): Promise<number> {
  const target = replayTargetOf(args, file);
  const limits: Limits = { slowMs: args.slowMs, memoryMb: args.memoryMb };
  const solo = new Solo(soloOptions(args, target, bins, limits));
  try {
    const r = await solo.run({ bytes: new Uint8Array(readFileSync(file)), family: "replay" }, true);
    if (r.finding === undefined) {
      say(`${file}: fine (${Math.round(r.ms)} ms, +${r.mb} MiB)`);
      return 0;
    }
    say(`${file}: ${target} ${r.finding.summary} (${Math.round(r.ms)} ms, +${r.mb} MiB)`);
    for (const f of r.finding.error?.frames.slice(0, 12) ?? []) say(`    at ${f}`);
    return 1;
  } finally {
    await solo.close();
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const replayTarget = args.replay === undefined ? undefined : replayTargetOf(args, args.replay);
  const needsGo = (replayTarget === undefined ? args.targets : [replayTarget]).some((t) => t === "elf" || t === "image" || t === "gateway");
  const bins = needsGo ? await goBinaries(ROOT, say) : [];
  if (args.replay !== undefined) return replay(args, args.replay, bins);

  const reports: TargetReport[] = [];
  const all: Distinct[] = [];
  for (const target of args.targets) {
    const { report, distinct } = await fuzzTarget(args, target, bins);
    reports.push(report);
    all.push(...distinct);
  }
  const elapsed = performance.now() - started;
  say("");
  say(summaryTable(reports));
  say(`${reports.some((r) => r.stoppedBy === "seconds") ? "* stopped by the time limit\n" : ""}total: ${reports.reduce((n, r) => n + r.inputs, 0)} inputs in ${duration(elapsed)}; ${all.length} distinct findings`);
  if (args.json !== undefined) {
    const doc = { seed: args.seed, workers: args.workers, limits: { slowMs: args.slowMs, hangMs: args.hangMs, memoryMb: args.memoryMb, heapMb: RESOURCE_LIMITS.maxOldGenerationSizeMb }, node: process.version, seconds: Math.round(elapsed / 1000), targets: reports };
    writeFileSync(resolve(ROOT, args.json), `${JSON.stringify(doc, null, 2)}\n`);
    say(`wrote ${args.json}`);
  }
  return all.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) process.stderr.write(`${err.message}\n`);
    else if (err instanceof HarnessError) process.stderr.write(`fuzz: ${err.message}\n`);
    else process.stderr.write(`fuzz: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n${USAGE}\n`);
    process.exit(2);
  },
);
