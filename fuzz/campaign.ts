/**
 * One target's campaign: inputs [0, N) in batches over a few workers, until
 * N inputs or the time budget. Workers that hang, run out of heap or die are
 * replaced and their batch goes on after the input that killed them.
 */
import type { ResourceLimits } from "node:worker_threads";
import { type Finding, type FindingKind, type Limits, classify } from "./oracle.js";
import type { BatchStats, WorkerConfig } from "./protocol.js";
import { type DeathReason, WorkerDeath, WorkerHandle } from "./worker-handle.js";
import { UsageError } from "./args.js";

export interface CampaignOptions {
  readonly target: string;
  readonly config: Omit<WorkerConfig, "slot" | "entry">;
  readonly inputs: number;
  /** Stop starting new batches after this many seconds. */
  readonly seconds: number;
  readonly workers: number;
  readonly limits: Limits;
  readonly hangMs: number;
  readonly resourceLimits: ResourceLimits;
  /** Costly findings (slow, hang, oom, memory) of one family after which the family is no longer fed: each costs up to the hang limit. */
  readonly familyBudget: number;
  /** Growth of the whole process, in MiB, at which every running input is stopped. */
  readonly hardMemoryMb: number;
  readonly progress?: (line: string) => void;
  /** Feed only these families (all when empty). */
  readonly families?: readonly string[];
}

/** One input that gave a finding. */
export interface Hit {
  readonly index: number;
  readonly finding: Finding;
}

export interface CampaignResult {
  ran: number;
  skipped: number;
  elapsedMs: number;
  /** Time spent inside the code under test, summed over workers. */
  runMs: number;
  maxMs: number;
  maxIndex: number;
  maxFamily: string;
  peakRssMb: number;
  families: Record<string, number>;
  hits: Hit[];
  /** Inputs that were running while the process grew past the memory limit: to confirm one by one. */
  memorySuspects: Array<{ index: number; family: string }>;
  stoppedBy: "inputs" | "seconds";
}

/** Findings that cost up to the hang limit each; a stall is seen within a few hundred milliseconds. */
const COSTLY: ReadonlySet<FindingKind> = new Set(["slow", "hang", "oom", "memory"]);
const MiB = 1 << 20;
/** Hits kept per finding key; the rest are only counted. */
const KEEP_PER_KEY = 20;
const BATCH_TARGET_MS = 250;

/** The finding a worker's death amounts to. */
export function deathFinding(target: string, d: WorkerDeath): Finding {
  const reason: Exclude<DeathReason, "exit"> | undefined = d.reason === "exit" ? undefined : d.reason;
  if (reason !== undefined) return classify(target, d.family, { end: "killed", reason, ms: d.ms, wallMs: d.wallMs, frames: d.frames }) as Finding;
  const error = { name: "WorkerExit", message: d.detail, frames: [] };
  return classify(target, d.family, { end: "returned", ms: d.ms, error, judgement: { verdict: "foreign" } }) as Finding;
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const started = performance.now();
  const result: CampaignResult = {
    ran: 0,
    skipped: 0,
    elapsedMs: 0,
    runMs: 0,
    maxMs: 0,
    maxIndex: -1,
    maxFamily: "",
    peakRssMb: 0,
    families: {},
    hits: [],
    memorySuspects: [],
    stoppedBy: "inputs",
  };
  const perKey = new Map<string, number>();
  const costly = new Map<string, number>();
  const skip = new Set<string>();
  const record = (index: number, finding: Finding) => {
    const n = (perKey.get(finding.key) ?? 0) + 1;
    perKey.set(finding.key, n);
    if (n <= KEEP_PER_KEY) result.hits.push({ index, finding });
    else result.hits.push({ index: -1, finding: { ...finding, summary: "" } });
    if (COSTLY.has(finding.kind)) {
      const c = (costly.get(finding.family) ?? 0) + 1;
      costly.set(finding.family, c);
      if (c >= o.familyBudget) skip.add(finding.family);
    }
  };
  const merge = (s: BatchStats) => {
    result.ran += s.ran;
    result.skipped += s.skipped;
    result.runMs += s.totalMs;
    if (s.maxMs > result.maxMs) Object.assign(result, { maxMs: s.maxMs, maxIndex: s.maxIndex, maxFamily: s.maxFamily });
    for (const [f, n] of Object.entries(s.families)) result.families[f] = (result.families[f] ?? 0) + n;
  };

  const requeued: Array<[number, number]> = [];
  let next = 0;
  const timeUp = () => performance.now() - started > o.seconds * 1000;
  const take = (size: number): [number, number] | undefined => {
    if (timeUp()) {
      if (next < o.inputs) result.stoppedBy = "seconds";
      return undefined;
    }
    const again = requeued.shift();
    if (again) return again;
    if (next >= o.inputs) return undefined;
    const range: [number, number] = [next, Math.min(o.inputs, next + size)];
    next = range[1];
    return range;
  };

  const handles = new Set<WorkerHandle>();
  const spawn = async () => {
    const h = new WorkerHandle({ config: o.config, resourceLimits: o.resourceLimits, hangMs: o.hangMs });
    handles.add(h);
    await h.ready;
    return h;
  };

  // Memory: each worker is a process of its own; one that grows past the limit while an input runs makes
  // that input a suspect, confirmed later in a fresh worker.
  const sampler = setInterval(() => {
    for (const h of handles) {
      const rss = h.rss();
      if (rss === 0) continue;
      result.peakRssMb = Math.max(result.peakRssMb, Math.round(rss / MiB));
      const grown = h.growth() / MiB;
      const cur = h.current();
      if (!cur.running || grown <= o.limits.memoryMb) continue;
      if (!result.memorySuspects.some((s) => s.index === cur.index)) result.memorySuspects.push({ index: cur.index, family: cur.family });
      if (grown > o.hardMemoryMb) h.kill("memory");
    }
  }, 100);

  let lastReport = performance.now();
  const report = () => {
    if (o.progress === undefined || performance.now() - lastReport < 10_000) return;
    lastReport = performance.now();
    const secs = (performance.now() - started) / 1000;
    o.progress(`${o.target}: ${result.ran} inputs in ${Math.round(secs)} s (${Math.round(result.ran / secs)}/s), ${perKey.size} distinct findings`);
  };

  // A spare worker, loaded in advance, replaces one that dies without making the campaign wait.
  let spare: Promise<WorkerHandle> | undefined;
  const replacement = (): Promise<WorkerHandle> => {
    const next = spare ?? spawn();
    spare = spawn();
    return next;
  };

  const drive = async (first: WorkerHandle) => {
    let h = first;
    let perInputMs = 1;
    for (;;) {
      const range = take(Math.max(1, Math.min(512, Math.round(BATCH_TARGET_MS / perInputMs))));
      if (range === undefined) break;
      const t0 = performance.now();
      // Inputs before the checkpoint were counted and their findings received; a death loses only those after it.
      let checkpoint = range[0];
      const interim = (s: BatchStats) => {
        checkpoint = s.next;
        merge(s);
      };
      try {
        const stats = await h.runBatch(range[0], range[1], [...skip], { finding: record, stats: interim });
        merge(stats);
        const n = range[1] - range[0];
        perInputMs = Math.max(0.01, (performance.now() - t0) / Math.max(1, n));
      } catch (err) {
        if (!(err instanceof WorkerDeath)) throw err;
        handles.delete(h);
        const at = err.index ?? checkpoint;
        // A process that dies may take unsent messages with it: the inputs since the checkpoint run again.
        result.ran += 1;
        record(at, deathFinding(o.target, err));
        if (at + 1 < range[1]) requeued.unshift([at + 1, range[1]]);
        if (checkpoint < at) requeued.unshift([checkpoint, at]);
        // Batches that meet a killer input get smaller, so the next death loses less.
        perInputMs *= 4;
        h = await replacement();
      }
      report();
    }
    handles.delete(h);
    await h.close();
  };

  try {
    const first = await Promise.all(Array.from({ length: o.workers }, spawn));
    const only = o.families ?? [];
    if (only.length > 0) {
      const { families } = await (first[0] as WorkerHandle).ready;
      for (const f of only) if (!families.includes(f)) throw new UsageError(`${o.target} has no family ${JSON.stringify(f)}: ${families.join(", ")}`);
      for (const f of families) if (!only.includes(f)) skip.add(f);
    }
    await Promise.all(first.map(drive));
  } finally {
    clearInterval(sampler);
    if (spare !== undefined) handles.add(await spare);
    await Promise.all([...handles].map((h) => h.close()));
  }
  result.elapsedMs = performance.now() - started;
  return result;
}
