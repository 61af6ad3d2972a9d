import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { type BuildRow, EVENT_STATUS, MAX_ATTEMPTS, RESTART_REASON, State, Store } from "../../src/serve/store.js";

function row(id: string, state: State, attempts: number): BuildRow {
  return { id, tenant: "team-a", state, node: state === State.RUNNING ? "n1" : "", platforms: ["linux/amd64"], digests: {}, error: "", created: 1000, attempts, repository: "example.com/hello", args: ["--push"], gitUrl: "", gitRef: "", gitCommit: "", contextDir: `/work/${id}/context` };
}

const event = (b: BuildRow) => new TextEncoder().encode(`${b.id}:${b.state}`);

test("restart recovery from a real SQLite file: queued stay queued, running are retried once or failed with the reason, finished keep their records and events", () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-store-"));
  try {
    const path = join(dir, "state", "state.db");
    const first = new Store(path, 100);
    first.insert(row("q", State.QUEUED, 0), event(row("q", State.QUEUED, 0)));
    first.insert(row("r1", State.RUNNING, 1), event(row("r1", State.RUNNING, 1)));
    first.insert(row("r2", State.RUNNING, MAX_ATTEMPTS), event(row("r2", State.RUNNING, 2)));
    first.insert(row("done", State.QUEUED, 0), event(row("done", State.QUEUED, 0)));
    first.appendStatus("done", new Uint8Array([1, 2, 3]));
    first.update("done", { state: State.SUCCEEDED, digests: { "linux/amd64": "sha256:abc" }, finished: 2000 }, event, { ms: 1000 });
    // No close(): the process is killed with the database open.

    const second = new Store(path, 100);
    const { requeued, failed } = second.recover(event, 5000);
    assert.deepEqual(requeued.map((b) => [b.id, b.state, b.attempts, b.node]), [["r1", State.QUEUED, 1, ""]]);
    assert.deepEqual(failed.map((b) => [b.id, b.state, b.error, b.finished]), [["r2", State.FAILED, RESTART_REASON, 5000]]);
    assert.deepEqual(second.inState(State.QUEUED).map((b) => b.id), ["q", "r1"]);
    const done = second.get("done");
    assert.equal(done?.state, State.SUCCEEDED);
    assert.deepEqual(done?.digests, { "linux/amd64": "sha256:abc" });
    assert.deepEqual(
      second.events("done").map((e) => [e.kind, new TextDecoder().decode(e.data)]),
      [
        [2, "done:1"],
        [EVENT_STATUS, "\u0001\u0002\u0003"],
        [2, "done:3"],
      ],
    );
    assert.deepEqual(second.usage().get("team-a"), { builds: 1, buildMs: 1000 });
    assert.deepEqual(second.list("team-a", 2).map((b) => b.id), ["done", "r2"]);
    assert.deepEqual(second.list("team-b", 10), []);
    second.close();
    first.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a build's event history is bounded", () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-store-"));
  try {
    const s = new Store(join(dir, "state.db"), 5);
    s.insert(row("b", State.QUEUED, 0), event(row("b", State.QUEUED, 0)));
    let kept = 0;
    for (let i = 0; i < 50; i++) if (s.appendStatus("b", new Uint8Array([i]))) kept++;
    assert.equal(kept, 5);
    s.update("b", { state: State.FAILED, error: "x" }, event);
    const events = s.events("b");
    assert.equal(events.length, 7, "5 statuses and the two state changes");
    assert.equal(events.at(-1)?.kind, 2, "the verdict is kept past the bound");
    s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a state file from before the git commit columns opens, and its builds read with no commit", () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-store-"));
  try {
    const path = join(dir, "state.db");
    const old = new Database(path);
    old.exec(`CREATE TABLE builds (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, tenant TEXT NOT NULL, state INTEGER NOT NULL, node TEXT NOT NULL DEFAULT '',
      platforms TEXT NOT NULL, digests TEXT NOT NULL DEFAULT '{}', error TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL, started INTEGER, finished INTEGER,
      attempts INTEGER NOT NULL DEFAULT 0, repository TEXT NOT NULL, args TEXT NOT NULL, git_url TEXT NOT NULL DEFAULT '', git_ref TEXT NOT NULL DEFAULT '',
      context_dir TEXT NOT NULL DEFAULT '')`);
    old.prepare("INSERT INTO builds (id, seq, tenant, state, platforms, created, repository, args) VALUES ('b1', 1, 'team-a', ?, '[]', 1000, 'r', '[]')").run(State.QUEUED);
    old.close();
    const store = new Store(path, 100);
    assert.deepEqual([store.get("b1")?.gitCommit, store.get("b1")?.gitTime], ["", undefined]);
    const fetched = { ...row("g", State.QUEUED, 0), gitUrl: "git://h/r", gitCommit: "a".repeat(40), gitTime: 1700000000 };
    store.insert(fetched, event(fetched));
    assert.deepEqual([store.get("g")?.gitCommit, store.get("g")?.gitTime], ["a".repeat(40), 1700000000]);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
