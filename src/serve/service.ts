/**
 * The service's core: builds submitted, queued (persisted), scheduled onto
 * nodes, watched, cancelled, retried once when their node is lost, and
 * concluded exactly once. gRPC is a thin layer over it (grpc-service.ts).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { create, toBinary, fromBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { status as grpcStatus } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { BuildOptions } from "../client/build-options.js";
import { FlagError } from "../cli/build-flags.js";
import type { StatusResponse } from "../gen/control/control_pb.js";
import { MAX_INPUT_BYTES } from "../server/project-source.js";
import { type Build, type BuildEvent, BuildEventSchema, BuildSchema } from "../gen/slimgo/v1/builds_pb.js";
import type { NodeConfig, ServeConfig, TenantConfig } from "./config.js";
import { ContextError, receiveContext } from "./context-upload.js";
import { type FetchedCommit, checkGitUrl, fetchGitContext, gitScratch } from "./git-context.js";
import type { ServeMetrics } from "./metrics.js";
import { NodePool, type NodeState } from "./nodes.js";
import { pushIndex } from "./oci-index.js";
import { lendTenantSecrets, remoteOptions, repositoryOf, specFromStdin, withCommit } from "./remote-options.js";
import { NodeLost, runJob } from "./run-job.js";
import { type Job, affinityKey, schedule } from "./scheduler.js";
import { type BuildRow, MAX_ATTEMPTS, State, Store } from "./store.js";

/** A call the service refuses: a gRPC code and one line. */
export class ServeError extends Error {
  override name = "ServeError";
  constructor(
    readonly code: grpcStatus,
    message: string,
  ) {
    super(message);
  }
}

export interface Watcher {
  send(ev: BuildEvent): void;
  end(): void;
}

interface RunningJob {
  readonly node: string;
  readonly abort: AbortController;
  lost: boolean;
}

interface ActiveBuild {
  row: BuildRow;
  readonly options: BuildOptions;
  /** Platforms it builds; [""] for the node's own. */
  readonly platforms: readonly string[];
  readonly jobs: Map<string, RunningJob>;
  readonly results: Map<string, { node: string; response: Readonly<Record<string, string>> }>;
  timer?: NodeJS.Timeout | undefined;
  /** The node a retry must avoid. */
  avoid?: string | undefined;
  done: boolean;
}

const PLACEHOLDER_CONTEXT = "/context";

export interface ServiceDeps {
  readonly runJob?: typeof runJob;
  readonly probe?: (node: NodeConfig) => Promise<void>;
}

export class BuildService {
  readonly pool: NodePool;
  private readonly active = new Map<string, ActiveBuild>();
  private queue: Job[] = [];
  private readonly jobOwner = new Map<string, { build: string; platform: string }>();
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly lastServed = new Map<string, number>();
  private readonly lastBuilt: Map<string, string>;
  private readonly tenants: ReadonlyMap<string, TenantConfig>;
  private closing = false;

  private readonly runJob: typeof runJob;

  constructor(
    readonly config: ServeConfig,
    readonly store: Store,
    readonly metrics: ServeMetrics,
    private readonly log: Logger,
    /** Stand-ins for the nodes, for tests. */
    deps: ServiceDeps = {},
  ) {
    this.tenants = new Map(config.tenants.map((t) => [t.name, t]));
    this.lastBuilt = store.affinity();
    this.runJob = deps.runJob ?? runJob;
    this.pool = new NodePool(config.nodes, log, (n, was) => this.nodeChanged(n, was), deps.probe);
  }

  /** Recover what a previous process left, check the nodes, start scheduling. */
  async start(): Promise<void> {
    mkdirSync(this.config.workdir, { recursive: true });
    const { requeued, failed } = this.store.recover((b) => this.buildEvent(b), Date.now());
    for (const b of failed) {
      this.log.warn({ build: b.id }, "build failed: the service restarted while it ran (already retried)");
      this.cleanup(b);
      this.metrics.builds.inc({ result: "failed" });
    }
    for (const b of requeued) this.log.info({ build: b.id, attempts: b.attempts }, "build queued again after a restart");
    for (const b of this.store.inState(State.QUEUED)) this.enqueue(b);
    await this.pool.start(this.config.healthIntervalMs);
    for (const n of this.pool.nodes.values()) {
      this.metrics.nodeHealthy.set({ node: n.config.name }, n.healthy ? 1 : 0);
      this.metrics.nodeRunning.set({ node: n.config.name }, n.running.size);
    }
    this.tick();
  }

  /** Stop without concluding anything: running builds stay RUNNING on record, for the next start to retry. */
  stop(): void {
    this.closing = true;
    this.pool.stop();
    for (const b of this.active.values()) {
      clearTimeout(b.timer);
      for (const j of b.jobs.values()) j.abort.abort();
    }
    for (const set of this.watchers.values()) for (const w of set) w.end();
    this.watchers.clear();
  }

  async submit(tenant: TenantConfig, args: readonly string[], git: { url: string; ref: string } | undefined, context: AsyncIterable<Uint8Array>, spec?: Uint8Array): Promise<string> {
    try {
      if (git !== undefined) checkGitUrl(git.url, git.ref);
      checkStdinSpec(args, spec);
      const offered = new Set(this.config.nodes.flatMap((n) => n.platforms));
      const asked = remoteOptions(args, PLACEHOLDER_CONTEXT);
      lendTenantSecrets(asked, tenant);
      for (const p of asked.platforms) {
        if (!offered.has(p)) throw new FlagError(`--platform ${p}: no node builds it; the nodes offer ${[...offered].sort().join(", ")}`);
      }
    } catch (err) {
      if (err instanceof FlagError || err instanceof ContextError) throw new ServeError(grpcStatus.INVALID_ARGUMENT, err.message);
      throw err;
    }
    const waiting = [...this.active.values()].filter((b) => b.row.tenant === tenant.name && b.row.state === State.QUEUED).length;
    if (waiting >= this.config.limits.queuedPerTenant) {
      throw new ServeError(grpcStatus.RESOURCE_EXHAUSTED, `${tenant.name} has ${waiting} builds queued, the limit (limits.queuedPerTenant): wait for some to start, or cancel some`);
    }
    const id = newBuildId();
    const log = this.log.child({ build: id, tenant: tenant.name });
    const dir = join(this.config.workdir, id);
    const contextDir = join(dir, "context");
    mkdirSync(contextDir, { recursive: true });
    let fetched: FetchedCommit | undefined;
    try {
      const stats = git !== undefined ? (fetched = await fetchGitContext(git.url, git.ref, gitScratch(dir), contextDir, this.config.limits)) : await receiveContext(context, contextDir, this.config.limits);
      log.info(stats, "context received");
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      if (err instanceof ContextError) {
        this.metrics.refusedContexts.inc();
        log.warn({ error: err.message }, "context refused");
        throw new ServeError(grpcStatus.INVALID_ARGUMENT, err.message);
      }
      log.info({ error: err instanceof Error ? err.message : String(err) }, "upload abandoned");
      throw new ServeError(grpcStatus.CANCELLED, `the upload ended early: ${err instanceof Error ? err.message : String(err)}`);
    }
    const options = remoteOptions(args, contextDir);
    if (spec !== undefined) {
      mkdirSync(dirname(options.specFile), { recursive: true });
      writeFileSync(options.specFile, spec, { mode: 0o600 });
    }
    const row: BuildRow = {
      id,
      tenant: tenant.name,
      state: State.QUEUED,
      node: "",
      platforms: options.platforms,
      digests: {},
      error: "",
      created: Date.now(),
      attempts: 0,
      repository: git !== undefined ? git.url.replace(/\.git$/, "") : repositoryOf(contextDir, options.specFile),
      args: [...args],
      gitUrl: git?.url ?? "",
      gitRef: git?.ref ?? "",
      gitCommit: fetched?.commit ?? "",
      gitTime: fetched?.commitTime,
      contextDir,
    };
    this.store.insert(row, this.buildEvent(row));
    log.info({ repository: row.repository, platforms: row.platforms }, "build queued");
    this.enqueue(row);
    this.tick();
    return id;
  }

  /** The build, if `tenant` owns it; NOT_FOUND otherwise (another tenant's builds do not exist for it). */
  get(tenant: TenantConfig, id: string): BuildRow {
    const row = this.store.get(id);
    if (row === undefined || row.tenant !== tenant.name) throw new ServeError(grpcStatus.NOT_FOUND, `no build ${JSON.stringify(id.slice(0, 80))}: list yours with slimgo builds list`);
    return row;
  }

  list(tenant: TenantConfig, limit: number): BuildRow[] {
    return this.store.list(tenant.name, limit > 0 ? Math.min(limit, 1000) : 50);
  }

  cancel(tenant: TenantConfig, id: string): BuildRow {
    const row = this.get(tenant, id);
    const b = this.active.get(id);
    if (b === undefined || b.done) return row;
    return this.conclude(b, State.CANCELLED, `cancelled by ${tenant.name}`);
  }

  /**
   * The build's history, then live events until it ends. Subscribing and
   * reading the history happen in one synchronous step, so no event is
   * missed or sent twice.
   */
  watch(tenant: TenantConfig, id: string, w: Watcher): () => void {
    const row = this.get(tenant, id);
    const live = this.active.has(id) && !isFinal(row.state);
    if (live) {
      let set = this.watchers.get(id);
      if (set === undefined) this.watchers.set(id, (set = new Set()));
      set.add(w);
    }
    for (const e of this.store.events(id)) w.send(fromBinary(BuildEventSchema, e.data));
    if (!live) w.end();
    return () => this.watchers.get(id)?.delete(w);
  }

  nodes(): NodeState[] {
    return [...this.pool.nodes.values()];
  }

  private enqueue(row: BuildRow): void {
    let options: BuildOptions;
    try {
      const tenant = this.tenants.get(row.tenant);
      if (tenant === undefined) throw new Error(`tenant ${row.tenant} is no longer in the service's config`);
      options = lendTenantSecrets(withCommit(remoteOptions(row.args, row.contextDir), row), tenant);
    } catch (err) {
      this.store.update(row.id, { state: State.FAILED, error: err instanceof Error ? err.message : String(err), finished: Date.now() }, (b) => this.buildEvent(b));
      this.cleanup(row);
      return;
    }
    const platforms = options.platforms.length > 0 ? options.platforms : [""];
    const b: ActiveBuild = { row, options, platforms, jobs: new Map(), results: new Map(), done: false };
    this.active.set(row.id, b);
    this.queueJobs(b);
  }

  private queueJobs(b: ActiveBuild): void {
    for (const platform of b.platforms) {
      const id = `${b.row.id}#${platform}`;
      this.jobOwner.set(id, { build: b.row.id, platform });
      this.queue.push({ id, tenant: b.row.tenant, platform, repository: b.row.repository, ...(b.avoid ? { avoid: b.avoid } : {}) });
    }
    this.metrics.queueDepth.set({}, this.queuedBuilds());
  }

  private queuedBuilds(): number {
    return new Set(this.queue.map((j) => this.jobOwner.get(j.id)?.build)).size;
  }

  /** Start whatever the scheduler places. */
  private tick(): void {
    if (this.closing) return;
    const running = new Map<string, number>();
    for (const b of this.active.values()) running.set(b.row.tenant, (running.get(b.row.tenant) ?? 0) + b.jobs.size);
    const tenants = new Map([...this.tenants.values()].map((t) => [t.name, { maxRunning: t.maxRunning, running: running.get(t.name) ?? 0 }]));
    const placed = schedule({ queue: this.queue, nodes: this.pool.views(), tenants, lastBuilt: this.lastBuilt, lastServed: this.lastServed });
    if (placed.length === 0) return;
    const ids = new Set(placed.map((a) => a.job.id));
    this.queue = this.queue.filter((j) => !ids.has(j.id));
    for (const a of placed) {
      const owner = this.jobOwner.get(a.job.id);
      const b = owner && this.active.get(owner.build);
      if (owner === undefined || b === undefined || b.done) continue;
      this.startJob(b, owner.platform, a.node, a.affinity);
    }
    this.metrics.queueDepth.set({}, this.queuedBuilds());
  }

  private startJob(b: ActiveBuild, platform: string, nodeName: string, affinity: boolean): void {
    const node = this.pool.nodes.get(nodeName);
    if (node === undefined) return;
    const jobId = `${b.row.id}#${platform}`;
    const log = this.log.child({ build: b.row.id, tenant: b.row.tenant, node: nodeName, platform: platform || "default" });
    const job: RunningJob = { node: nodeName, abort: new AbortController(), lost: false };
    b.jobs.set(platform, job);
    node.running.add(jobId);
    this.metrics.nodeRunning.set({ node: nodeName }, node.running.size);
    const nodes = [...new Set([...b.jobs.values()].map((j) => j.node))].sort().join(",");
    const now = Date.now();
    if (b.row.state === State.QUEUED) {
      this.metrics.queueSeconds.observe((now - b.row.created) / 1000);
      b.row = this.store.update(b.row.id, { state: State.RUNNING, node: nodes, started: now, attempts: b.row.attempts + 1, error: "" }, (r) => this.buildEvent(r));
      this.broadcastBuild(b.row);
      b.timer = setTimeout(() => this.timedOut(b), this.config.limits.buildTimeoutMs);
      b.timer.unref();
    } else if (b.row.node !== nodes) {
      b.row = this.store.update(b.row.id, { node: nodes }, (r) => this.buildEvent(r));
      this.broadcastBuild(b.row);
    }
    log.info({ affinity, attempt: b.row.attempts }, "job started");
    const spec = {
      options: b.options,
      platform,
      tenant: b.row.tenant,
      repository: b.row.repository,
      cacheRegistry: this.config.cache?.registry,
      pushByDigest: b.platforms.length > 1 && b.options.push,
      dockerConfigDir: this.dockerConfigDir(),
    };
    this.runJob(node.config, spec, (s) => this.onStatus(b, s), job.abort.signal, log).then(
      (res) => this.jobSettled(b, platform, job, jobId, undefined, res.exporterResponse, log),
      (err: unknown) => this.jobSettled(b, platform, job, jobId, err, undefined, log),
    );
  }

  private onStatus(b: ActiveBuild, s: StatusResponse): void {
    if (this.closing) return;
    for (const v of s.vertexes) {
      if (v.completed === undefined) continue;
      this.metrics.vertices.inc();
      if (v.cached) this.metrics.cachedVertices.inc();
    }
    const ev = create(BuildEventSchema, { event: { case: "status", value: s } });
    this.store.appendStatus(b.row.id, toBinary(BuildEventSchema, ev));
    this.broadcast(b.row.id, ev);
  }

  private jobSettled(b: ActiveBuild, platform: string, job: RunningJob, jobId: string, err: unknown, response: Readonly<Record<string, string>> | undefined, log: Logger): void {
    const node = this.pool.nodes.get(job.node);
    node?.running.delete(jobId);
    if (node) this.metrics.nodeRunning.set({ node: job.node }, node.running.size);
    if (this.closing) return;
    // A job of an earlier attempt, or of a build already concluded: its slot is free, nothing else to do.
    if (b.done || b.jobs.get(platform) !== job) {
      this.tick();
      return;
    }
    b.jobs.delete(platform);
    if (err === undefined && response !== undefined) {
      log.info("job succeeded");
      b.results.set(platform, { node: job.node, response });
      if (b.results.size === b.platforms.length) void this.succeed(b);
    } else if (job.lost || err instanceof NodeLost) {
      const why = err instanceof NodeLost ? err.message : `node ${job.node} stopped answering`;
      if (err instanceof NodeLost) this.pool.markLost(job.node, why);
      this.lost(b, job.node, why, log);
    } else {
      void this.failed(b, job.node, err, log);
      return;
    }
    this.tick();
  }

  /**
   * A node that dies mid-build often shows first as a failed Solve or a
   * broken session, not as an unreachable node: it is asked before the
   * build is blamed.
   */
  private async failed(b: ActiveBuild, nodeName: string, err: unknown, log: Logger): Promise<void> {
    const message = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
    const healthy = await this.pool.checkNow(nodeName);
    if (this.closing || b.done) return;
    if (!healthy) this.lost(b, nodeName, `node ${nodeName} stopped answering mid-build (${message})`, log);
    else {
      log.warn({ error: message }, "job failed");
      this.conclude(b, State.FAILED, message);
    }
    this.tick();
  }

  private lost(b: ActiveBuild, nodeName: string, why: string, log: Logger): void {
    log.warn({ error: why }, "job lost with its node");
    if (b.row.attempts < MAX_ATTEMPTS) this.retry(b, nodeName, why);
    else this.conclude(b, State.FAILED, `${why}; the build had already been retried once`);
  }

  private async succeed(b: ActiveBuild): Promise<void> {
    const digests: Record<string, string> = {};
    for (const [platform, r] of b.results) {
      const digest = r.response["containerimage.digest"];
      const key = platform !== "" ? platform : (this.pool.nodes.get(r.node)?.config.platforms[0] ?? "default");
      if (digest !== undefined) digests[key] = digest;
      this.lastBuilt.set(affinityKey(b.row.repository, platform), r.node);
      this.store.setAffinity(affinityKey(b.row.repository, platform), r.node);
    }
    if (b.platforms.length > 1 && b.options.push) {
      try {
        const manifests = [...b.results].map(([platform, r]) => ({ platform, response: r.response }));
        digests["index"] = await pushIndex(b.options.tags, manifests, this.dockerConfigDir());
      } catch (err) {
        if (!b.done) this.conclude(b, State.FAILED, `the platforms built, but the index could not be pushed: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
    }
    if (!b.done) this.conclude(b, State.SUCCEEDED, "", digests);
  }

  /** Run the whole build again elsewhere: its node was lost. */
  private retry(b: ActiveBuild, lostNode: string, why: string): void {
    for (const j of b.jobs.values()) j.abort.abort();
    b.jobs.clear();
    b.results.clear();
    clearTimeout(b.timer);
    this.queue = this.queue.filter((j) => this.jobOwner.get(j.id)?.build !== b.row.id);
    b.avoid = lostNode;
    b.row = this.store.update(b.row.id, { state: State.QUEUED, node: "", error: why }, (r) => this.buildEvent(r));
    this.broadcastBuild(b.row);
    this.metrics.retries.inc();
    this.log.child({ build: b.row.id }).warn({ lost: lostNode }, "build queued again on another node");
    // Retries go first: they have waited already.
    const rest = this.queue;
    this.queue = [];
    this.queueJobs(b);
    this.queue.push(...rest);
  }

  private timedOut(b: ActiveBuild): void {
    if (b.done) return;
    const minutes = this.config.limits.buildTimeoutMs / 60_000;
    this.conclude(b, State.FAILED, `the build ran longer than limits.buildTimeout (${minutes >= 1 ? `${minutes}m` : `${this.config.limits.buildTimeoutMs / 1000}s`}): make it faster, or raise the limit`);
    this.tick();
  }

  /** The build's one verdict: recorded, sent, and its jobs stopped. */
  private conclude(b: ActiveBuild, state: State, error: string, digests: Record<string, string> = {}): BuildRow {
    b.done = true;
    clearTimeout(b.timer);
    for (const j of b.jobs.values()) j.abort.abort();
    this.queue = this.queue.filter((j) => this.jobOwner.get(j.id)?.build !== b.row.id);
    for (const p of b.platforms) this.jobOwner.delete(`${b.row.id}#${p}`);
    const now = Date.now();
    const ms = b.row.started !== undefined ? now - b.row.started : 0;
    b.row = this.store.update(b.row.id, { state, error, digests, finished: now }, (r) => this.buildEvent(r), { ms });
    this.active.delete(b.row.id);
    this.store.release(b.row.id);
    this.metrics.builds.inc({ result: stateName(state) });
    if (b.row.started !== undefined) this.metrics.buildSeconds.observe(ms / 1000);
    this.metrics.queueDepth.set({}, this.queuedBuilds());
    this.log.child({ build: b.row.id, tenant: b.row.tenant }).info({ state: stateName(state), error, digests }, "build finished");
    this.broadcastBuild(b.row);
    for (const w of this.watchers.get(b.row.id) ?? []) w.end();
    this.watchers.delete(b.row.id);
    this.cleanup(b.row);
    return b.row;
  }

  private nodeChanged(n: NodeState, wasHealthy: boolean): void {
    this.metrics.nodeHealthy.set({ node: n.config.name }, n.healthy ? 1 : 0);
    if (wasHealthy && !n.healthy) {
      for (const jobId of n.running) {
        const owner = this.jobOwner.get(jobId);
        const job = owner && this.active.get(owner.build)?.jobs.get(owner.platform);
        if (job === undefined || job.node !== n.config.name) continue;
        job.lost = true;
        job.abort.abort();
      }
    }
    this.tick();
  }

  private cleanup(row: BuildRow): void {
    const dir = resolve(row.contextDir, "..");
    // Only a build's own directory under the workdir is ever removed.
    if (row.contextDir !== "" && dirname(dir) === resolve(this.config.workdir)) rmSync(dir, { recursive: true, force: true });
  }

  private broadcastBuild(row: BuildRow): void {
    this.broadcast(row.id, create(BuildEventSchema, { event: { case: "build", value: toBuild(row) } }));
  }

  private broadcast(id: string, ev: BuildEvent): void {
    for (const w of this.watchers.get(id) ?? []) w.send(ev);
  }

  private buildEvent(row: BuildRow): Uint8Array {
    return toBinary(BuildEventSchema, create(BuildEventSchema, { event: { case: "build", value: toBuild(row) } }));
  }

  private dockerConfigDir(): string {
    return this.config.dockerConfig ?? process.env["DOCKER_CONFIG"] ?? join(homedir(), ".docker");
  }
}

/** `-f -` and the spec's bytes come together, or neither does. */
function checkStdinSpec(args: readonly string[], spec: Uint8Array | undefined): void {
  const stdin = specFromStdin(args);
  if (stdin && spec === undefined) throw new FlagError("-f -: the spec goes in the Submit's options (spec); slimgo build --server -f - sends the one it reads from stdin");
  if (!stdin && spec !== undefined) throw new FlagError("a spec came with the options, but the args do not say -f -: add it, or send the spec in the context");
  if (spec !== undefined && spec.length > MAX_INPUT_BYTES) throw new FlagError(`-f -: the spec is ${spec.length} bytes, over ${MAX_INPUT_BYTES}: a spec is a few lines; send the right file`);
}

export function toBuild(row: BuildRow): Build {
  return create(BuildSchema, {
    id: row.id,
    tenant: row.tenant,
    state: row.state,
    node: row.node,
    platforms: [...row.platforms],
    digests: { ...row.digests },
    error: row.error,
    created: timestampFromMs(row.created),
    ...(row.started !== undefined ? { started: timestampFromMs(row.started) } : {}),
    ...(row.finished !== undefined ? { finished: timestampFromMs(row.finished) } : {}),
    attempts: row.attempts,
    repository: row.repository,
    args: [...row.args],
    commit: row.gitCommit,
  });
}

function isFinal(s: State): boolean {
  return s === State.SUCCEEDED || s === State.FAILED || s === State.CANCELLED;
}

export function stateName(s: State): string {
  return State[s]?.toLowerCase() ?? "unknown";
}

/** Time-ordered and unguessable: 12 hex digits of milliseconds, 12 random. */
function newBuildId(): string {
  return `${Date.now().toString(16).padStart(12, "0")}${randomBytes(6).toString("hex")}`;
}
