/**
 * Exporter outputs written atomically: everything BuildKit sends goes into a
 * hidden sibling of the destination, which takes the destination's place only
 * when the build succeeds; a failed or cancelled build removes it. A local
 * output into an existing directory is merged into it entry by entry, as
 * BuildKit's local exporter merges. An archive for `dest=-` streams to
 * stdout instead, where nothing can be taken back.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { lstat, mkdir, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Writable } from "node:stream";

/** Where an exporter's output goes (`--output type=local,dest=DIR`, `type=tar|oci|docker,dest=FILE`). */
export interface OutputSpec {
  /** local: a directory tree; tar, oci, docker: the exporter's archive as one file. */
  readonly type: "local" | "tar" | "oci" | "docker";
  /** A directory for local, a file for the others; "-" for an archive on the session's stdout. */
  readonly dest: string;
  /**
   * Index of this output's exporter in SolveRequest.Exporters, which BuildKit
   * names the output by; default: the position in `outputs`.
   */
  readonly exporterIndex?: number;
}

/** Where one exporter's transfer lands. */
export interface ReceivedOutput {
  readonly spec: OutputSpec;
  readonly isDir: boolean;
  /** A directory output: the directory to write the tree into. */
  start(): Promise<string>;
  /** An archive output: the stream its bytes go to, and whether it is closed after. */
  sink(): Promise<{ stream: Writable; close: boolean }>;
  settle(err?: unknown): void;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** `dest=-`: the archive goes to `stream` as it arrives; a failed build says so by its exit code. */
export class StreamOutput implements ReceivedOutput {
  readonly isDir = false;
  private failure: Error | undefined;

  constructor(
    readonly spec: OutputSpec,
    private readonly stream: Writable,
  ) {}

  start(): Promise<string> {
    return Promise.reject(new Error(`output ${this.spec.dest}: a ${this.spec.type} archive is a stream, not a directory`));
  }

  async sink(): Promise<{ stream: Writable; close: boolean }> {
    return { stream: this.stream, close: false };
  }

  settle(err?: unknown): void {
    if (err !== undefined) this.failure ??= err instanceof Error ? err : new Error(String(err));
  }

  async commit(): Promise<void> {
    if (this.failure) throw new Error(`output to stdout: ${this.failure.message}`);
  }

  async discard(): Promise<void> {}
}

/** How long a finished build waits for its output's transfer to end: BuildKit's answer may overtake the stream's end. */
const SETTLE_WAIT_MS = 60_000;

export class AtomicOutput implements ReceivedOutput {
  private temp: string | undefined;
  private failure: Error | undefined;
  private complete = false;
  private settled: (() => void) | undefined;
  private readonly settledOnce = new Promise<void>((resolve) => (this.settled = resolve));

  constructor(readonly spec: OutputSpec) {}

  get isDir(): boolean {
    return this.spec.type === "local";
  }

  /** The hidden sibling to write into, made on first use. */
  async start(): Promise<string> {
    if (this.temp !== undefined) return this.temp;
    const dest = resolve(this.spec.dest);
    await mkdir(dirname(dest), { recursive: true });
    this.temp = join(dirname(dest), `.${basename(dest)}.slimgo-${randomBytes(4).toString("hex")}`);
    if (this.isDir) await mkdir(this.temp, { mode: 0o755 });
    return this.temp;
  }

  async sink(): Promise<{ stream: Writable; close: boolean }> {
    return { stream: createWriteStream(await this.start(), { flags: "a", mode: 0o644 }), close: true };
  }

  /** One transfer into this output ended (with an error, or not). */
  settle(err?: unknown): void {
    if (err !== undefined) this.failure ??= err instanceof Error ? err : new Error(String(err));
    else this.complete = true;
    this.settled?.();
  }

  /** Move the output into place; throws when its transfer failed. */
  async commit(): Promise<void> {
    if (this.temp !== undefined && !this.complete && this.failure === undefined) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.settledOnce, new Promise<void>((resolve) => (timer = setTimeout(resolve, SETTLE_WAIT_MS)))]);
      clearTimeout(timer);
      if (!this.complete && this.failure === undefined) throw new Error(`output ${this.spec.dest}: BuildKit finished but the transfer never ended`);
    }
    if (this.failure) throw new Error(`output ${this.spec.dest}: ${this.failure.message}`);
    if (this.temp === undefined || !this.complete) return;
    const dest = resolve(this.spec.dest);
    const existing = await lstat(dest).catch(() => undefined);
    if (this.isDir && existing?.isDirectory()) {
      await mergeInto(this.temp, dest);
      await rm(this.temp, { recursive: true, force: true });
    } else {
      if (existing?.isDirectory()) throw new Error(`output ${dest} is a directory: name a file for a ${this.spec.type} output`);
      await rename(this.temp, dest);
    }
    this.temp = undefined;
  }

  /** Remove whatever was written. */
  async discard(): Promise<void> {
    if (this.temp !== undefined) await rm(this.temp, { recursive: true, force: true });
    this.temp = undefined;
  }
}

/** Move every entry of `from` into `to`, replacing what is there; directories merge. */
async function mergeInto(from: string, to: string): Promise<void> {
  for (const name of await readdir(from)) {
    const src = join(from, name);
    const dst = join(to, name);
    const [s, d] = await Promise.all([lstat(src), lstat(dst).catch(() => undefined)]);
    if (s.isDirectory() && d?.isDirectory()) {
      await mergeInto(src, dst);
      continue;
    }
    if (d !== undefined) await rm(dst, { recursive: true, force: true });
    await rename(src, dst);
  }
}
