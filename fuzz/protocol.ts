/** Messages between the campaign (main process), the host process of each worker (host.mjs) and the worker thread. */
import type { ResourceLimits } from "node:worker_threads";
import type { Finding, Limits } from "./oracle.js";

export interface WorkerConfig {
  /** URL of worker.ts, imported by boot.mjs. */
  readonly entry: string;
  /** URL of the target module (exports `load`). */
  readonly targetModule: string;
  readonly root: string;
  /** Go binaries built for the seeds: [name, path]. */
  readonly goBinaries: readonly (readonly [string, string])[];
  readonly seed: string;
  readonly limits: Limits;
  /** [running (0/1), input index, start time (ms since the epoch), family index], written by the worker. */
  readonly slot: SharedArrayBuffer;
}

export const SLOT = { running: 0, index: 1, started: 2, family: 3, size: 4 } as const;

export type ToWorker =
  | { readonly type: "batch"; readonly start: number; readonly end: number; readonly skip: readonly string[] }
  /** Run one input: generated from its index, or these bytes. */
  | { readonly type: "one"; readonly id: number; readonly index?: number; readonly bytes?: Uint8Array; readonly family?: string }
  | { readonly type: "generate"; readonly id: number; readonly index: number };

export interface BatchStats {
  /** Every input before this index has run (or been skipped) and its findings have been sent. */
  next: number;
  ran: number;
  skipped: number;
  totalMs: number;
  maxMs: number;
  maxIndex: number;
  maxFamily: string;
  families: Record<string, number>;
}

export type FromWorker =
  | { readonly type: "ready"; readonly families: readonly string[]; readonly ext: string; readonly shrinkable: boolean }
  | { readonly type: "finding"; readonly index: number; readonly finding: Finding }
  /** Stats of the inputs run since the last report; sent every few hundred ms, so a worker's death loses little. */
  | { readonly type: "stats"; readonly stats: BatchStats }
  | { readonly type: "batch-done"; readonly start: number; readonly end: number; readonly stats: BatchStats }
  | { readonly type: "one"; readonly id: number; readonly family: string; readonly ms: number; readonly finding?: Finding }
  | { readonly type: "generated"; readonly id: number; readonly family: string; readonly bytes: Uint8Array }
  | { readonly type: "fatal"; readonly message: string };

/** To the host process (host.mjs) that holds one worker thread. */
export type ToHost =
  | { readonly type: "start"; readonly config: Omit<WorkerConfig, "slot" | "entry">; readonly resourceLimits: ResourceLimits }
  | { readonly type: "to-worker"; readonly message: ToWorker }
  /** Pause the worker where it is and report its stack (a hang is about to be killed). */
  | { readonly type: "sample" };

/** From the host process. */
export type FromHost =
  | { readonly type: "from-worker"; readonly message: FromWorker }
  /** What the worker is running, sent whenever it changes (checked every RELAY_MS). */
  | { readonly type: "slot"; readonly running: boolean; readonly index: number; readonly family: number; readonly started: number }
  | { readonly type: "worker-exit"; readonly code: number; readonly oom: boolean; readonly detail: string }
  /** The stack of the input the worker was running when paused. */
  | { readonly type: "sample"; readonly stack: string | undefined; readonly index: number };
