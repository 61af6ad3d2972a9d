/**
 * One campaign worker thread: loads a target, makes inputs from (seed,
 * target, index), runs them and reports findings. It writes which input it
 * is running into the shared slot; its host process relays that to the
 * campaign, which kills it on a hang and knows what it was running when it died.
 */
import { readFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { InvariantViolation, classify, summarizeError, type Finding, type Judgement, type RunEnd } from "./oracle.js";
import { rngFor } from "./prng.js";
import { SLOT, type BatchStats, type FromWorker, type ToWorker, type WorkerConfig } from "./protocol.js";
import type { FuzzTarget, LoadTarget } from "./target.js";

const config = workerData as WorkerConfig;
const port = parentPort;
if (port === null) throw new Error("worker.ts runs in a worker thread");
const slot = new Float64Array(config.slot);
const post = (m: FromWorker) => port.postMessage(m);

// Deep enough to reach the project's own frame under a library's recursion.
Error.stackTraceLimit = 60;

const goBinaries = new Map(config.goBinaries.map(([name, path]) => [name, new Uint8Array(readFileSync(path))]));
const { load } = (await import(config.targetModule)) as { load: LoadTarget };
const target: FuzzTarget = await load({ root: config.root, goBinaries });

/** The family and bytes of input `index`; `skip` families are not made at all. */
function generate(index: number, skip?: ReadonlySet<string>): { family: string; bytes: Uint8Array | undefined } {
  const rng = rngFor(config.seed, target.name, index);
  const family = rng.weighted(target.families);
  if (skip?.has(family.name)) return { family: family.name, bytes: undefined };
  return { family: family.name, bytes: family.make(rng) };
}

/** Nothing is alive that was not alive before the input started (the port to the main thread, say). */
function idle(baseline: readonly string[]): boolean {
  const left = [...baseline];
  for (const r of process.getActiveResourcesInfo()) {
    const i = left.indexOf(r);
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return true;
}

const STALL_POLL_MS = 20;
/** Quiet polls in a row before a run counts as stalled: a loaded machine can leave queued pool work unstarted for a while. */
const STALL_POLLS = 10;

/** CPU milliseconds this process's threads may spend between two polls while idle (the polls themselves). */
const IDLE_CPU_MS = 2;

/**
 * Settles with the promise, or "stalled" once nothing is left that could
 * settle it: no resource alive beyond the baseline, and no CPU spent since the
 * last poll, for the libuv thread pool's work (zlib, say) holds no resource
 * the main thread can see.
 */
function settle(p: Promise<unknown>, baseline: readonly string[]): Promise<"done" | "stalled"> {
  return new Promise((resolve, reject) => {
    let done = false;
    let quiet = 0;
    let cpu = process.cpuUsage();
    const check = () => {
      if (done) return;
      const spent = process.cpuUsage(cpu);
      cpu = process.cpuUsage();
      const busy = (spent.user + spent.system) / 1000 > IDLE_CPU_MS;
      quiet = !busy && idle(baseline) ? quiet + 1 : 0;
      if (quiet >= STALL_POLLS) resolve("stalled");
      else setTimeout(check, STALL_POLL_MS).unref();
    };
    setTimeout(check, STALL_POLL_MS).unref();
    p.then(
      () => {
        done = true;
        resolve("done");
      },
      (err: unknown) => {
        done = true;
        reject(err);
      },
    );
  });
}

/** An error thrown outside any run (a stream's late 'error' event, say) belongs to the input running or just run. */
const asyncErrors: unknown[] = [];
process.on("uncaughtException", (err) => void asyncErrors.push(err));
process.on("unhandledRejection", (err) => void asyncErrors.push(err));

async function runOne(index: number, family: string, bytes: Uint8Array): Promise<{ ms: number; finding: Finding | undefined }> {
  slot[SLOT.index] = index;
  slot[SLOT.started] = performance.timeOrigin + performance.now();
  slot[SLOT.family] = target.families.findIndex((f) => f.name === family);
  slot[SLOT.running] = 1;
  const baseline = process.getActiveResourcesInfo();
  // CPU time, not wall time, is what an input costs: the machine may be shared and busy.
  const cpu0 = process.cpuUsage();
  let end: RunEnd;
  let thrown: { error: unknown } | undefined;
  let stalled = false;
  try {
    const r = target.run(bytes);
    if (r instanceof Promise) {
      stalled = (await settle(r, baseline)) === "stalled";
      // Let late stream errors surface while this input is still the one to blame.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (error) {
    thrown = { error };
  }
  const cpu = process.cpuUsage(cpu0);
  const ms = (cpu.user + cpu.system) / 1000;
  slot[SLOT.running] = 0;
  if (thrown === undefined && asyncErrors.length > 0) thrown = { error: asyncErrors.shift() };
  asyncErrors.length = 0;
  if (stalled) {
    const waitingFor = target.describeStall?.();
    end = waitingFor === undefined ? { end: "stalled", ms } : { end: "stalled", ms, waitingFor };
  } else if (thrown !== undefined) {
    const judgement: Judgement = thrown.error instanceof InvariantViolation ? { verdict: "invariant", why: thrown.error.property } : target.judge(thrown.error, bytes);
    end = judgement.verdict === "located" ? { end: "returned", ms } : { end: "returned", ms, error: summarizeError(thrown.error, config.root), judgement };
  } else end = { end: "returned", ms };
  return { ms, finding: classify(target.name, family, end, config.limits) };
}

const STATS_EVERY_MS = 300;
const emptyStats = (next: number): BatchStats => ({ next, ran: 0, skipped: 0, totalMs: 0, maxMs: 0, maxIndex: -1, maxFamily: "", families: {} });

async function runBatch(start: number, end: number, skip: ReadonlySet<string>): Promise<BatchStats> {
  let stats = emptyStats(start);
  let lastPost = performance.now();
  for (let index = start; index < end; index++) {
    const { family, bytes } = generate(index, skip);
    if (bytes === undefined) {
      stats.skipped++;
      stats.next = index + 1;
      continue;
    }
    const { ms, finding } = await runOne(index, family, bytes);
    stats.ran++;
    stats.totalMs += ms;
    stats.families[family] = (stats.families[family] ?? 0) + 1;
    if (ms > stats.maxMs) Object.assign(stats, { maxMs: ms, maxIndex: index, maxFamily: family });
    if (finding) post({ type: "finding", index, finding });
    stats.next = index + 1;
    if (performance.now() - lastPost > STATS_EVERY_MS) {
      post({ type: "stats", stats });
      stats = emptyStats(index + 1);
      lastPost = performance.now();
    }
  }
  stats.next = end;
  return stats;
}

// One message at a time, in order: a batch runs to its end before the next starts.
let queue = Promise.resolve();
port.on("message", (m: ToWorker) => {
  queue = queue.then(async () => {
    if (m.type === "batch") {
      post({ type: "batch-done", start: m.start, end: m.end, stats: await runBatch(m.start, m.end, new Set(m.skip)) });
    } else if (m.type === "generate") {
      const { family, bytes = new Uint8Array(0) } = generate(m.index);
      post({ type: "generated", id: m.id, family, bytes: target.materialize?.(bytes) ?? bytes });
    } else {
      const made = m.bytes === undefined ? generate(m.index ?? 0) : { family: m.family ?? "given", bytes: m.bytes };
      const { ms, finding } = await runOne(m.index ?? -1, made.family, made.bytes ?? new Uint8Array(0));
      post({ type: "one", id: m.id, family: made.family, ms, ...(finding ? { finding } : {}) });
    }
  }).catch((err: unknown) => {
    // A generator or judge that throws is a bug of the harness, not a finding.
    post({ type: "fatal", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  });
});
post({ type: "ready", families: target.families.map((f) => f.name), ext: target.ext, shrinkable: target.shrinkable });
