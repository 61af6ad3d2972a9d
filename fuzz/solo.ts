/**
 * Runs single inputs in a worker of their own after a campaign: resource
 * findings are confirmed without other workers competing for the CPU and
 * memory, and crash reproducers are shrunk while they keep their key.
 */
import type { ResourceLimits } from "node:worker_threads";
import { deathFinding } from "./campaign.js";
import { type Finding, type Limits, classify } from "./oracle.js";
import type { WorkerConfig } from "./protocol.js";
import { type OneResult, WorkerDeath, WorkerHandle } from "./worker-handle.js";

export interface SoloOptions {
  readonly target: string;
  readonly config: Omit<WorkerConfig, "slot" | "entry">;
  readonly limits: Limits;
  readonly hangMs: number;
  readonly resourceLimits: ResourceLimits;
}

export interface SoloResult {
  readonly family: string;
  readonly ms: number;
  /** Growth of the process while the input ran, in MiB. */
  readonly mb: number;
  readonly finding: Finding | undefined;
}

const MiB = 1 << 20;

/** A worker that is replaced when an input kills it. */
export class Solo {
  private handle: WorkerHandle | undefined;
  constructor(private readonly o: SoloOptions) {}

  private async worker(): Promise<WorkerHandle> {
    if (this.handle === undefined || !this.handle.alive) {
      this.handle = new WorkerHandle({ config: this.o.config, resourceLimits: this.o.resourceLimits, hangMs: this.o.hangMs });
      await this.handle.ready;
    }
    return this.handle;
  }

  /** The target's reproducer extension and whether its inputs may be shrunk. */
  async info(): Promise<{ ext: string; shrinkable: boolean }> {
    return (await this.worker()).ready;
  }

  async generate(index: number): Promise<{ family: string; bytes: Uint8Array }> {
    return (await this.worker()).generate(index);
  }

  /** Run one input, measuring the process's growth; `fresh` starts a new worker first (for memory figures). */
  async run(input: { index: number } | { bytes: Uint8Array; family: string }, fresh = false): Promise<SoloResult> {
    if (fresh) await this.close();
    const h = await this.worker();
    const baseline = h.rss();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, h.rss())), 5);
    let result: OneResult | WorkerDeath;
    try {
      result = await h.runOne(input);
    } catch (err) {
      if (!(err instanceof WorkerDeath)) throw err;
      result = err;
    } finally {
      clearInterval(sampler);
    }
    const mb = Math.round((peak - baseline) / MiB);
    if (result instanceof WorkerDeath) return { family: result.family, ms: result.ms, mb, finding: deathFinding(this.o.target, result) };
    const memory = mb > this.o.limits.memoryMb ? classify(this.o.target, result.family, { end: "killed", reason: "memory", ms: result.ms, mb }) : undefined;
    // A located error or a quick return that took too much memory is a memory finding; a crash stays a crash.
    const finding = result.finding === undefined || result.finding.kind === "slow" ? (memory ?? result.finding) : result.finding;
    return { family: result.family, ms: result.ms, mb, finding };
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}

/**
 * Delete chunks of `bytes` (lines first for text) while the input still
 * gives `key`; stops after `tries` runs or `ms` milliseconds.
 */
export async function shrink(solo: Solo, bytes: Uint8Array, family: string, key: string, budget: { tries: number; ms: number }): Promise<Uint8Array> {
  const started = performance.now();
  let tries = 0;
  let best = bytes;
  const keeps = async (candidate: Uint8Array): Promise<boolean> => {
    tries++;
    const r = await solo.run({ bytes: candidate, family });
    return r.finding?.key === key;
  };
  const spent = () => tries >= budget.tries || performance.now() - started > budget.ms;

  // Lines, as units, when the input is text.
  const text = new TextDecoder("utf-8", { fatal: false }).decode(best);
  if (best.includes(0x0a) && !text.includes("\ufffd")) {
    let lines = text.split("\n");
    for (let chunk = Math.max(1, lines.length >> 1); chunk >= 1 && !spent(); chunk >>= 1) {
      for (let at = 0; at < lines.length && !spent(); ) {
        const candidate = [...lines.slice(0, at), ...lines.slice(at + chunk)];
        if (candidate.length < lines.length && (await keeps(new TextEncoder().encode(candidate.join("\n"))))) lines = candidate;
        else at += chunk;
      }
    }
    best = new TextEncoder().encode(lines.join("\n"));
  }
  // Then bytes: halves down to single bytes for small inputs, to 64-byte chunks for large ones.
  const smallest = best.length <= 4096 ? 1 : 64;
  for (let chunk = Math.max(smallest, best.length >> 1); chunk >= smallest && !spent(); chunk = chunk === smallest ? 0 : Math.max(smallest, chunk >> 1)) {
    for (let at = 0; at < best.length && !spent(); ) {
      const candidate = new Uint8Array(best.length - Math.min(chunk, best.length - at));
      candidate.set(best.subarray(0, at));
      candidate.set(best.subarray(at + chunk), at);
      if (await keeps(candidate)) best = candidate;
      else at += chunk;
    }
  }
  return best;
}
