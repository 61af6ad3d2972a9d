/**
 * A campaign worker seen from the main process: a child process (host.mjs)
 * holding one worker thread. Requests are promises; a watchdog kills it when
 * one input runs past the hang limit; when it dies, the last slot it relayed
 * says which input it was running.
 */
import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import type { ResourceLimits } from "node:worker_threads";
import { type Finding, frames } from "./oracle.js";
import type { BatchStats, FromHost, FromWorker, ToHost, ToWorker, WorkerConfig } from "./protocol.js";

export type DeathReason = "hang" | "oom" | "memory" | "exit";

/** The worker died while running input `index` (undefined when it was between inputs). */
export class WorkerDeath extends Error {
  override name = "WorkerDeath";
  constructor(
    readonly reason: DeathReason,
    readonly index: number | undefined,
    readonly family: string,
    readonly ms: number,
    readonly detail: string,
    /** Where a hung input was when it was stopped, when the debugger could tell. */
    readonly frames: readonly string[] = [],
    readonly wallMs = ms,
  ) {
    super(`worker died (${reason}) on input ${index ?? "?"}: ${detail}`);
  }
}

/** A bug of the harness itself (a generator threw): the campaign stops. */
export class HarnessError extends Error {
  override name = "HarnessError";
}

export interface HandleOptions {
  readonly config: Omit<WorkerConfig, "slot" | "entry">;
  readonly resourceLimits: ResourceLimits;
  readonly hangMs: number;
}

export interface OneResult {
  readonly family: string;
  readonly ms: number;
  readonly finding?: Finding;
}

interface Pending {
  resolve(m: FromWorker): void;
  reject(e: Error): void;
}

const HOST = new URL("./host.mjs", import.meta.url);
const WATCH_MS = 50;
const PAGE = 4096;
const SAMPLE_WAIT_MS = 1500;
const WALL_FACTOR = 4;
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

export class WorkerHandle {
  private readonly child: ChildProcess;
  private families: readonly string[] = [];
  private pending: Pending | undefined;
  private onFinding: ((index: number, f: Finding) => void) | undefined;
  private onStats: ((s: BatchStats) => void) | undefined;
  private killedFor: DeathReason | undefined;
  private detail = "";
  private dead = false;
  private nextId = 0;
  private slot = { running: false, index: -1, family: -1, started: 0 };
  /** The host's CPU time (ms) and resident memory (bytes) when the running input started. */
  private cpuAtStart = 0;
  private rssAtStart = 0;
  private hungFrames: readonly string[] = [];
  /** What it was running when it was killed: the input may finish while the kill is on its way. */
  private killedWhile: ReturnType<WorkerHandle["current"]> | undefined;
  private readonly watchdog: NodeJS.Timeout;
  readonly ready: Promise<{ families: readonly string[]; ext: string; shrinkable: boolean }>;

  constructor(private readonly opts: HandleOptions) {
    this.child = fork(HOST, [], {
      execArgv: [],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    this.child.stderr?.on("data", (c: Buffer) => (stderr = (stderr + c.toString("utf8")).slice(-4000)));
    this.ready = new Promise((resolve, reject) => {
      this.pending = { resolve: (m) => (m.type === "ready" ? resolve(m) : reject(new HarnessError(`unexpected ${m.type} before ready`))), reject };
    });
    this.child.on("message", (m: FromHost) => this.receive(m));
    this.child.on("exit", (code, signal) => {
      const aborted = signal === "SIGABRT" || code === 134 || /out of memory/i.test(stderr);
      if (aborted) this.killedFor ??= "oom";
      if (this.detail === "") this.detail = `host exited (${signal ?? code})${stderr ? `: ${lastLines(stderr)}` : ""}`;
      this.died();
    });
    this.send({ type: "start", config: opts.config, resourceLimits: opts.resourceLimits });
    // A hang is an input that used the hang limit in CPU time; on a busy machine wall time runs longer,
    // so it only counts at several times the limit (an input waiting on nothing is a stall, seen by the worker).
    this.watchdog = setInterval(() => {
      const cur = this.current();
      if (cur.running && (cur.elapsedMs > this.opts.hangMs || cur.wallMs > WALL_FACTOR * this.opts.hangMs)) this.kill("hang");
    }, WATCH_MS);
    this.watchdog.unref();
  }

  private send(m: ToHost): void {
    this.child.send(m);
  }

  private receive(m: FromHost): void {
    if (m.type === "slot") {
      if (m.running && (!this.slot.running || m.index !== this.slot.index)) {
        this.cpuAtStart = this.cpuMs();
        this.rssAtStart = this.rss();
      }
      this.slot = m;
      return;
    }
    if (m.type === "sample") {
      if (m.stack !== undefined && m.index === this.killedWhile?.index) this.hungFrames = frames(m.stack, this.opts.config.root).filter((f) => !f.startsWith("eval "));
      this.child.kill("SIGKILL");
      return;
    }
    if (m.type === "worker-exit") {
      if (m.oom) this.killedFor ??= "oom";
      this.detail = m.detail || `worker exited with code ${m.code}`;
      return;
    }
    const w = m.message;
    if (w.type === "ready") this.families = w.families;
    if (w.type === "finding") {
      this.onFinding?.(w.index, w.finding);
      return;
    }
    if (w.type === "stats") {
      this.onStats?.(w.stats);
      return;
    }
    if (w.type === "fatal") {
      this.fail(new HarnessError(`the harness failed in a worker: ${w.message}`));
      return;
    }
    const p = this.pending;
    this.pending = undefined;
    p?.resolve(w);
  }

  private fail(e: Error): void {
    const p = this.pending;
    this.pending = undefined;
    p?.reject(e);
  }

  private died(): void {
    if (this.dead) return;
    this.dead = true;
    clearInterval(this.watchdog);
    const cur = this.killedWhile ?? this.current();
    this.fail(new WorkerDeath(this.killedFor ?? "exit", cur.running ? cur.index : undefined, cur.family, cur.elapsedMs, this.detail, this.hungFrames, cur.wallMs));
  }

  /** What the worker is running, as last relayed (at most a few tens of milliseconds old); elapsedMs is CPU time. */
  current(): { running: boolean; index: number; family: string; elapsedMs: number; wallMs: number } {
    const running = this.slot.running;
    return {
      running,
      index: this.slot.index,
      family: this.families[this.slot.family] ?? "?",
      elapsedMs: running ? Math.max(0, this.cpuMs() - this.cpuAtStart) : 0,
      wallMs: running ? Date.now() - this.slot.started : 0,
    };
  }

  /** CPU time of the worker's process (utime + stime), in ms. */
  private cpuMs(): number {
    if (this.dead || this.child.pid === undefined) return this.cpuAtStart;
    try {
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
    } catch {
      return this.cpuAtStart;
    }
  }

  /** Resident memory of the worker's process, in bytes (0 once it is gone). */
  rss(): number {
    if (this.dead || this.child.pid === undefined) return 0;
    try {
      return Number(readFileSync(`/proc/${this.child.pid}/statm`, "utf8").split(" ")[1]) * PAGE;
    } catch {
      return 0;
    }
  }

  /** How much the process grew since the running input started, in bytes. */
  growth(): number {
    return this.slot.running ? Math.max(0, this.rss() - this.rssAtStart) : 0;
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Kill it; the request in flight rejects with a WorkerDeath for `reason`. A hang is first asked where it is. */
  kill(reason: DeathReason): void {
    if (this.dead || this.killedFor !== undefined) return;
    this.killedFor = reason;
    this.killedWhile = this.current();
    if (reason !== "hang") {
      this.child.kill("SIGKILL");
      return;
    }
    this.send({ type: "sample" });
    setTimeout(() => this.child.kill("SIGKILL"), SAMPLE_WAIT_MS).unref();
  }

  private request(m: ToWorker): Promise<FromWorker> {
    if (this.dead) return Promise.reject(new WorkerDeath(this.killedFor ?? "exit", undefined, "?", 0, "worker is gone"));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.send({ type: "to-worker", message: m });
    });
  }

  /** Run inputs [start, end); findings and interim stats arrive through the callbacks, the last stats as the result. */
  async runBatch(start: number, end: number, skip: readonly string[], on: { finding: (index: number, f: Finding) => void; stats: (s: BatchStats) => void }): Promise<BatchStats> {
    this.onFinding = on.finding;
    this.onStats = on.stats;
    const m = await this.request({ type: "batch", start, end, skip });
    if (m.type !== "batch-done") throw new HarnessError(`expected batch-done, got ${m.type}`);
    return m.stats;
  }

  async runOne(input: { index: number } | { bytes: Uint8Array; family: string }): Promise<OneResult> {
    const m = await this.request({ type: "one", id: this.nextId++, ...input });
    if (m.type !== "one") throw new HarnessError(`expected one, got ${m.type}`);
    return m.finding ? { family: m.family, ms: m.ms, finding: m.finding } : { family: m.family, ms: m.ms };
  }

  async generate(index: number): Promise<{ family: string; bytes: Uint8Array }> {
    const m = await this.request({ type: "generate", id: this.nextId++, index });
    if (m.type !== "generated") throw new HarnessError(`expected generated, got ${m.type}`);
    return { family: m.family, bytes: m.bytes };
  }

  async close(): Promise<void> {
    clearInterval(this.watchdog);
    if (this.dead) return;
    this.dead = true;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGKILL");
    await exited;
  }
}

function lastLines(s: string): string {
  return s.trim().split("\n").filter((l) => l.trim() !== "").slice(-2).join(" | ").slice(0, 300);
}
