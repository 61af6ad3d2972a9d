/**
 * The client's side of a BuildKit session: the services BuildKit calls back
 * during a solve (local directories, exporter outputs, registry credentials,
 * secrets, SSH agents, local cache directories, health), served over
 * Control.Session.
 */
import { createHash, randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { resolve } from "node:path";
import type { Client } from "@grpc/grpc-js";
import { authService } from "./auth.js";
import { LocalCaches, type LocalCacheSpec } from "./local-caches.js";
import { fileSend } from "./file-send.js";
import { fileSync } from "./file-sync.js";
import type { ServedMethod } from "./grpc-service.js";
import { healthService } from "./health.js";
import type { Writable } from "node:stream";
import { AtomicOutput, type OutputSpec, type ReceivedOutput, StreamOutput } from "./outputs.js";
import { secretsService } from "./secrets.js";
import { sshServices } from "./ssh.js";
import { type Bridge, LocalServer, bridgeSession } from "./transport.js";

export type { OutputSpec } from "./outputs.js";
export type { LocalCacheSpec } from "./local-caches.js";

export interface SessionOptions {
  /**
   * Local directories by name: "context", "dockerfile", named contexts.
   * `stableName` stands for a temporary dir's path in the shared key, so
   * BuildKit's copy of the other dirs is still reused.
   */
  dirs?: ReadonlyMap<string, { dir: string; excludes?: readonly string[]; stableName?: string }>;
  /** --output local/tar/oci/docker, received through FileSend and written atomically. */
  outputs?: readonly OutputSpec[];
  /** Secrets by id, from a file or an environment variable (default: the variable named like the id). */
  secrets?: ReadonlyMap<string, { file?: string; env?: string }>;
  /** SSH agent sockets by id; an empty list means $SSH_AUTH_SOCK. */
  ssh?: ReadonlyMap<string, readonly string[]>;
  /** Registry credentials for Auth (default $DOCKER_CONFIG, else ~/.docker). */
  dockerConfigDir?: string;
  /** `--cache-from/--cache-to type=local` directories, served as content stores. */
  caches?: readonly LocalCacheSpec[];
  /** Where an output with dest "-" goes (default process.stdout). */
  stdout?: Writable;
}

export class Session {
  readonly id: string;
  readonly done: Promise<void>;
  private readonly methods: ServedMethod[];
  private readonly outputs: ReceivedOutput[];
  private readonly caches: LocalCaches;
  private readonly sharedKey: string;
  private server: LocalServer | undefined;
  private bridge: Bridge | undefined;
  private settleDone!: { resolve(): void; reject(e: Error): void };
  private finished = false;

  constructor(opts: SessionOptions) {
    this.id = newId();
    this.done = new Promise<void>((resolve, reject) => (this.settleDone = { resolve, reject }));
    this.done.catch(() => {}); // a caller that never awaits it must not crash the process
    const dirs = opts.dirs ?? new Map();
    this.sharedKey = sharedKeyOf([...dirs.values()].map((d) => d.stableName ?? resolve(d.dir)));
    this.outputs = (opts.outputs ?? []).map((spec) => (spec.dest === "-" ? new StreamOutput(spec, opts.stdout ?? process.stdout) : new AtomicOutput(spec)));
    const byExporter = new Map(this.outputs.map((o, i) => [o.spec.exporterIndex ?? i, o]));
    this.methods = [healthService(), authService(opts.dockerConfigDir)];
    if (dirs.size > 0) this.methods.push(fileSync(dirs));
    if (this.outputs.length > 0) this.methods.push(fileSend(byExporter));
    if (opts.secrets && opts.secrets.size > 0) this.methods.push(secretsService(opts.secrets));
    if (opts.ssh && opts.ssh.size > 0) this.methods.push(...sshServices(opts.ssh));
    this.caches = new LocalCaches(opts.caches ?? []);
    this.methods.push(...this.caches.methods());
  }

  /** Opens Control.Session on this grpc-js client's channel and serves until finish(); resolves when BuildKit has it. */
  async attach(client: Client): Promise<void> {
    if (this.bridge !== undefined) throw new Error("session already attached");
    try {
      this.server = await LocalServer.start(this.methods);
      this.bridge = bridgeSession(client, this.server.socket, { id: this.id, name: "slimgo", sharedKey: this.sharedKey }, this.methods.map((m) => m.path));
      this.bridge.ended.then(
        () => this.settleDone.resolve(),
        (err: Error) => void this.die(err),
      );
      await this.bridge.ready;
    } catch (err) {
      await this.die(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }

  /**
   * After the solve: commit (ok) or discard (!ok) outputs and cache
   * directories, then close. `response` is the Solve's exporter response,
   * which names the cache manifest to record in index.json.
   */
  async finish(ok: boolean, response: Readonly<Record<string, string>> = {}): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    let failure: unknown;
    try {
      if (ok) for (const o of this.outputs) await o.commit();
      if (ok) await this.caches.commit(response);
    } catch (err) {
      failure = err;
    }
    for (const o of this.outputs) await o.discard();
    await this.caches.discard();
    this.close();
    this.settleDone.resolve();
    if (failure !== undefined) throw failure;
  }

  /** The session broke before finish(): outputs go, `done` rejects. */
  private async die(err: Error): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.close();
    for (const o of this.outputs) await o.discard().catch(() => {});
    await this.caches.discard().catch(() => {});
    this.settleDone.reject(err);
  }

  private close(): void {
    this.bridge?.close();
    this.server?.close();
  }
}

/** 25 lowercase base-32 characters, like BuildKit's own ids. */
function newId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  return [...randomBytes(25)].map((b) => alphabet[b & 31]).join("");
}

/**
 * BuildKit keys its copy of a local directory on the session's shared key:
 * the same dirs from the same machine get the same key, so a rebuild sends
 * only what changed.
 */
function sharedKeyOf(dirs: readonly string[]): string {
  const h = createHash("sha256").update(hostname());
  for (const d of [...dirs].sort()) h.update(`\0${d}`);
  return h.digest("hex").slice(0, 32);
}
