/**
 * The service's state in SQLite (WAL): builds with their options and context
 * directory, each build's event history (bounded) for late watchers, tenants'
 * usage, and cache affinity. Every state change is one transaction.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { BuildState, BuildState as State } from "../gen/slimgo/v1/builds_pb.js";

/** A build's state as the API names it. */
export { BuildState as State };

export interface BuildRow {
  readonly id: string;
  readonly tenant: string;
  readonly state: State;
  /** The node(s) running or that ran it, comma-separated for a multi-platform build. */
  readonly node: string;
  readonly platforms: readonly string[];
  readonly digests: Readonly<Record<string, string>>;
  readonly error: string;
  /** Milliseconds since the epoch. */
  readonly created: number;
  readonly started?: number | undefined;
  readonly finished?: number | undefined;
  readonly attempts: number;
  readonly repository: string;
  readonly args: readonly string[];
  readonly gitUrl: string;
  readonly gitRef: string;
  /** The commit a git source's ref named when it was fetched ("" for an upload). */
  readonly gitCommit: string;
  /** That commit's committer time, seconds since 1970: the build's SOURCE_DATE_EPOCH unless a build arg sets it. */
  readonly gitTime?: number | undefined;
  /** Where its uploaded context lives ("" for a git source). */
  readonly contextDir: string;
}

export const EVENT_STATUS = 1;
export const EVENT_BUILD = 2;

/** Why a build running when the service stopped is not run again. */
export const RESTART_REASON = "the service restarted while it ran";
/** A build starts at most this many times (a retry after a lost node). */
export const MAX_ATTEMPTS = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS builds (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  tenant TEXT NOT NULL,
  state INTEGER NOT NULL,
  node TEXT NOT NULL DEFAULT '',
  platforms TEXT NOT NULL,
  digests TEXT NOT NULL DEFAULT '{}',
  error TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL,
  started INTEGER,
  finished INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  repository TEXT NOT NULL,
  args TEXT NOT NULL,
  git_url TEXT NOT NULL DEFAULT '',
  git_ref TEXT NOT NULL DEFAULT '',
  context_dir TEXT NOT NULL DEFAULT '',
  git_commit TEXT NOT NULL DEFAULT '',
  git_time INTEGER
);
CREATE INDEX IF NOT EXISTS builds_by_tenant ON builds (tenant, seq);
CREATE INDEX IF NOT EXISTS builds_by_state ON builds (state, seq);
CREATE TABLE IF NOT EXISTS events (
  build_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (build_id, seq)
);
CREATE TABLE IF NOT EXISTS usage (
  tenant TEXT PRIMARY KEY,
  builds INTEGER NOT NULL DEFAULT 0,
  build_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS affinity (
  key TEXT PRIMARY KEY,
  node TEXT NOT NULL
);
`;

interface Row {
  id: string;
  tenant: string;
  state: number;
  node: string;
  platforms: string;
  digests: string;
  error: string;
  created: number;
  started: number | null;
  finished: number | null;
  attempts: number;
  repository: string;
  args: string;
  git_url: string;
  git_ref: string;
  context_dir: string;
  git_commit: string;
  git_time: number | null;
}

/** Columns added since the first schema, for a state file an older service wrote. */
const ADDED_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ["git_commit", "TEXT NOT NULL DEFAULT ''"],
  ["git_time", "INTEGER"],
];

export class Store {
  private readonly db: Database.Database;
  /** Status events stored per build, so the history stays bounded. */
  private readonly statusCounts = new Map<string, number>();
  private readonly nextSeq = new Map<string, number>();

  constructor(
    path: string,
    private readonly eventsPerBuild: number,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(SCHEMA);
    const have = new Set((this.db.prepare("PRAGMA table_info(builds)").all() as Array<{ name: string }>).map((c) => c.name));
    for (const [name, type] of ADDED_COLUMNS) if (!have.has(name)) this.db.exec(`ALTER TABLE builds ADD COLUMN ${name} ${type}`);
  }

  close(): void {
    this.db.close();
  }

  /** A new QUEUED build and its first event, in one transaction. */
  insert(b: BuildRow, event: Uint8Array): void {
    this.db.transaction(() => {
      const seq = (this.db.prepare("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM builds").get() as { n: number }).n;
      this.db
        .prepare(
          `INSERT INTO builds (id, seq, tenant, state, node, platforms, digests, error, created, started, finished, attempts, repository, args, git_url, git_ref, context_dir, git_commit, git_time)
           VALUES (@id, @seq, @tenant, @state, @node, @platforms, @digests, @error, @created, @started, @finished, @attempts, @repository, @args, @git_url, @git_ref, @context_dir, @git_commit, @git_time)`,
        )
        .run({ ...toRow(b), seq });
      this.appendEvent(b.id, EVENT_BUILD, event);
    })();
  }

  /** Change a build's record and log the change as an event, atomically; returns the new record. */
  update(id: string, change: Partial<Omit<BuildRow, "id" | "tenant" | "created">>, event: (b: BuildRow) => Uint8Array, usage?: { ms: number }): BuildRow {
    return this.db.transaction(() => {
      const old = this.get(id);
      if (old === undefined) throw new Error(`no build ${id}`);
      const next: BuildRow = { ...old, ...change };
      const r = toRow(next);
      this.db
        .prepare("UPDATE builds SET state = @state, node = @node, platforms = @platforms, digests = @digests, error = @error, started = @started, finished = @finished, attempts = @attempts, context_dir = @context_dir WHERE id = @id")
        .run(r);
      this.appendEvent(id, EVENT_BUILD, event(next));
      if (usage !== undefined) {
        this.db
          .prepare("INSERT INTO usage (tenant, builds, build_ms) VALUES (?, 1, ?) ON CONFLICT (tenant) DO UPDATE SET builds = builds + 1, build_ms = build_ms + excluded.build_ms")
          .run(old.tenant, Math.round(usage.ms));
      }
      return next;
    })();
  }

  /** A progress event; false once the build's history is full (the event is then dropped). */
  appendStatus(id: string, data: Uint8Array): boolean {
    const n = this.statusCounts.get(id) ?? (this.db.prepare("SELECT COUNT(*) AS n FROM events WHERE build_id = ? AND kind = ?").get(id, EVENT_STATUS) as { n: number }).n;
    if (n >= this.eventsPerBuild) {
      this.statusCounts.set(id, n);
      return false;
    }
    this.statusCounts.set(id, n + 1);
    this.appendEvent(id, EVENT_STATUS, data);
    return true;
  }

  events(id: string): Array<{ kind: number; data: Uint8Array }> {
    return (this.db.prepare("SELECT kind, data FROM events WHERE build_id = ? ORDER BY seq").all(id) as Array<{ kind: number; data: Buffer }>).map((r) => ({ kind: r.kind, data: new Uint8Array(r.data) }));
  }

  get(id: string): BuildRow | undefined {
    const r = this.db.prepare("SELECT * FROM builds WHERE id = ?").get(id) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  /** A tenant's builds, newest first. */
  list(tenant: string, limit: number): BuildRow[] {
    return (this.db.prepare("SELECT * FROM builds WHERE tenant = ? ORDER BY seq DESC LIMIT ?").all(tenant, limit) as Row[]).map(fromRow);
  }

  /** Builds in a state, oldest first. */
  inState(state: State): BuildRow[] {
    return (this.db.prepare("SELECT * FROM builds WHERE state = ? ORDER BY seq").all(state) as Row[]).map(fromRow);
  }

  usage(): Map<string, { builds: number; buildMs: number }> {
    const rows = this.db.prepare("SELECT tenant, builds, build_ms FROM usage").all() as Array<{ tenant: string; builds: number; build_ms: number }>;
    return new Map(rows.map((r) => [r.tenant, { builds: r.builds, buildMs: r.build_ms }]));
  }

  setAffinity(key: string, node: string): void {
    this.db.prepare("INSERT INTO affinity (key, node) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET node = excluded.node").run(key, node);
  }

  affinity(): Map<string, string> {
    const rows = this.db.prepare("SELECT key, node FROM affinity").all() as Array<{ key: string; node: string }>;
    return new Map(rows.map((r) => [r.key, r.node]));
  }

  /**
   * After a restart: builds left RUNNING go back to the queue if they may
   * start again, else fail with the reason. Returns what became of them.
   */
  recover(event: (b: BuildRow) => Uint8Array, now: number): { requeued: BuildRow[]; failed: BuildRow[] } {
    const requeued: BuildRow[] = [];
    const failed: BuildRow[] = [];
    for (const b of this.inState(State.RUNNING)) {
      if (b.attempts < MAX_ATTEMPTS) requeued.push(this.update(b.id, { state: State.QUEUED, node: "", started: undefined }, event));
      else failed.push(this.update(b.id, { state: State.FAILED, error: RESTART_REASON, finished: now }, event));
    }
    return { requeued, failed };
  }

  private appendEvent(id: string, kind: number, data: Uint8Array): void {
    let seq = this.nextSeq.get(id);
    if (seq === undefined) seq = (this.db.prepare("SELECT COALESCE(MAX(seq), 0) AS n FROM events WHERE build_id = ?").get(id) as { n: number }).n;
    this.nextSeq.set(id, seq + 1);
    this.db.prepare("INSERT INTO events (build_id, seq, kind, data) VALUES (?, ?, ?, ?)").run(id, seq + 1, kind, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  /** Forget a finished build's in-memory counters. */
  release(id: string): void {
    this.statusCounts.delete(id);
    this.nextSeq.delete(id);
  }
}

function toRow(b: BuildRow): Row {
  return {
    id: b.id,
    tenant: b.tenant,
    state: b.state,
    node: b.node,
    platforms: JSON.stringify(b.platforms),
    digests: JSON.stringify(b.digests),
    error: b.error,
    created: b.created,
    started: b.started ?? null,
    finished: b.finished ?? null,
    attempts: b.attempts,
    repository: b.repository,
    args: JSON.stringify(b.args),
    git_url: b.gitUrl,
    git_ref: b.gitRef,
    context_dir: b.contextDir,
    git_commit: b.gitCommit,
    git_time: b.gitTime ?? null,
  };
}

function fromRow(r: Row): BuildRow {
  return {
    id: r.id,
    tenant: r.tenant,
    state: r.state as State,
    node: r.node,
    platforms: JSON.parse(r.platforms) as string[],
    digests: JSON.parse(r.digests) as Record<string, string>,
    error: r.error,
    created: r.created,
    started: r.started ?? undefined,
    finished: r.finished ?? undefined,
    attempts: r.attempts,
    repository: r.repository,
    args: JSON.parse(r.args) as string[],
    gitUrl: r.git_url,
    gitRef: r.git_ref,
    contextDir: r.context_dir,
    gitCommit: r.git_commit,
    gitTime: r.git_time ?? undefined,
  };
}
