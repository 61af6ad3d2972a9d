import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { BuildCancelled, BuildFailed } from "../../src/client/solve.js";
import { fromBinary } from "@bufbuild/protobuf";
import { BuildEventSchema } from "../../src/gen/slimgo/v1/builds_pb.js";
import { parseServeConfig } from "../../src/serve/config.js";
import { ServeMetrics } from "../../src/serve/metrics.js";
import type { runJob } from "../../src/serve/run-job.js";
import { BuildService } from "../../src/serve/service.js";
import { RESTART_REASON, State, Store } from "../../src/serve/store.js";

const HASH = "b".repeat(64);

function config(dir: string, timeout = "30m", queued = 200) {
  return parseServeConfig(
    `listen: 127.0.0.1:0
state: state.db
workdir: work
healthInterval: 50ms
tenants:
  - {name: team-a, tokenSha256: ${HASH}, maxRunning: 4}
nodes:
  - {name: n1, addr: "unix:///n1.sock", platforms: [linux/amd64], maxBuilds: 1}
  - {name: n2, addr: "unix:///n2.sock", platforms: [linux/amd64], maxBuilds: 1}
limits: {buildTimeout: ${timeout}, queuedPerTenant: ${queued}}
`,
    join(dir, "serve.yaml"),
  );
}

interface Call {
  readonly node: string;
  resolve(digest: string): void;
  reject(err: Error): void;
}

/** Fake nodes: `down` ones fail their health check; each job waits for the test to finish it, or for its abort. */
function fakes() {
  const down = new Set<string>();
  const calls: Call[] = [];
  const run: typeof runJob = (node, _spec, onStatus, signal) =>
    new Promise((resolve, reject) => {
      onStatus({ vertexes: [], statuses: [], logs: [], warnings: [] } as never);
      signal.addEventListener("abort", () => reject(new BuildCancelled("build cancelled")), { once: true });
      calls.push({ node: node.name, resolve: (digest) => resolve({ exporterResponse: { "containerimage.digest": digest } }), reject });
    });
  const probe = async (node: { name: string }) => {
    if (down.has(node.name)) throw new Error(`${node.name} does not answer`);
  };
  return { down, calls, run, probe };
}

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function* emptyTar(): AsyncGenerator<Uint8Array> {
  yield new Uint8Array(1024);
}

function states(store: Store, id: string): string[] {
  return store.events(id).flatMap((e) => {
    const ev = fromBinary(BuildEventSchema, e.data);
    return ev.event.case === "build" ? [`${State[ev.event.value.state]}${ev.event.value.node ? `@${ev.event.value.node}` : ""}`] : [];
  });
}

test("a node lost mid-build: the build is retried once on the other node, succeeds, and is reported once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-retry-"));
  const f = fakes();
  const c = config(dir);
  const store = new Store(c.state, 100);
  const metrics = new ServeMetrics();
  const service = new BuildService(c, store, metrics, pino({ level: "silent" }), { runJob: f.run, probe: f.probe });
  try {
    await service.start();
    const tenant = c.tenants[0]!;
    const id = await service.submit(tenant, ["--platform", "linux/amd64"], undefined, emptyTar());
    await until("the first start", () => f.calls.length === 1);
    assert.equal(f.calls[0]?.node, "n1");
    f.down.add("n1");
    await until("the retry", () => f.calls.length === 2);
    assert.equal(f.calls[1]?.node, "n2");
    f.calls[1]?.resolve(`sha256:${"1".repeat(64)}`);
    await until("the verdict", () => store.get(id)?.state === State.SUCCEEDED);
    const row = store.get(id);
    assert.equal(row?.attempts, 2);
    assert.equal(row?.node, "n2");
    assert.deepEqual(row?.digests, { "linux/amd64": `sha256:${"1".repeat(64)}` });
    assert.deepEqual(states(store, id), ["QUEUED", "RUNNING@n1", "QUEUED", "RUNNING@n2", "SUCCEEDED@n2"]);
    assert.match(metrics.text(), /^slimgo_build_retries_total 1$/m);
    assert.match(metrics.text(), /^slimgo_builds_total\{result="succeeded"\} 1$/m);
    // The lost job's late end changes nothing.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(states(store, id).filter((s) => s.startsWith("SUCCEEDED")).length, 1);
  } finally {
    service.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("kill -9 and restart: a running build is retried if it may be, else failed with the reason; a queued one runs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-restart-"));
  const c = config(dir);
  try {
    const seed = new Store(c.state, 100);
    const base = { tenant: "team-a", node: "n1", platforms: [], digests: {}, error: "", created: 1, attempts: 1, repository: "r", args: [], gitUrl: "", gitRef: "", gitCommit: "" };
    for (const [id, state, attempts] of [
      ["once", State.RUNNING, 1],
      ["twice", State.RUNNING, 2],
      ["waiting", State.QUEUED, 0],
    ] as const) {
      mkdirSync(join(c.workdir, id, "context"), { recursive: true });
      seed.insert({ ...base, id, state, attempts, node: state === State.RUNNING ? "n1" : "", contextDir: join(c.workdir, id, "context") }, new Uint8Array());
    }
    // The process died: the database is reopened without a close.
    const f = fakes();
    const store = new Store(c.state, 100);
    const service = new BuildService(c, store, new ServeMetrics(), pino({ level: "silent" }), { runJob: f.run, probe: f.probe });
    try {
      await service.start();
      assert.equal(store.get("twice")?.state, State.FAILED);
      assert.equal(store.get("twice")?.error, RESTART_REASON);
      await until("both others started", () => f.calls.length === 2);
      for (const call of f.calls) call.resolve(`sha256:${"2".repeat(64)}`);
      await until("both succeeded", () => store.get("once")?.state === State.SUCCEEDED && store.get("waiting")?.state === State.SUCCEEDED);
      assert.equal(store.get("once")?.attempts, 2);
      assert.equal(store.get("waiting")?.attempts, 1);
    } finally {
      service.stop();
      store.close();
      seed.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a build that outlives limits.buildTimeout fails with the limit named, and its node is freed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-timeout-"));
  const f = fakes();
  const c = config(dir, "300ms");
  const store = new Store(c.state, 100);
  const service = new BuildService(c, store, new ServeMetrics(), pino({ level: "silent" }), { runJob: f.run, probe: f.probe });
  try {
    await service.start();
    const id = await service.submit(c.tenants[0]!, [], undefined, emptyTar());
    await until("the verdict", () => store.get(id)?.state === State.FAILED);
    assert.match(store.get(id)?.error ?? "", /ran longer than limits\.buildTimeout \(0\.3s\)/);
    await until("the slot freed", () => service.nodes().every((n) => n.running.size === 0));
  } finally {
    service.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a tenant's queue is bounded: past limits.queuedPerTenant, Submit is RESOURCE_EXHAUSTED", async () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-queue-"));
  const f = fakes();
  f.down.add("n1");
  f.down.add("n2");
  const c = config(dir, "30m", 2);
  const store = new Store(c.state, 100);
  const service = new BuildService(c, store, new ServeMetrics(), pino({ level: "silent" }), { runJob: f.run, probe: f.probe });
  try {
    await service.start();
    const tenant = c.tenants[0]!;
    await service.submit(tenant, [], undefined, emptyTar());
    await service.submit(tenant, [], undefined, emptyTar());
    await assert.rejects(service.submit(tenant, [], undefined, emptyTar()), (err: unknown) => (err as { code: number }).code === 8 && /team-a has 2 builds queued/.test((err as Error).message));
    assert.deepEqual(readdirSync(c.workdir).length, 2, "the refused build left no directory");
  } finally {
    service.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a job that fails as its node dies is retried; one that fails on a healthy node is the build's failure", async () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-died-"));
  const f = fakes();
  const c = config(dir);
  const store = new Store(c.state, 100);
  const service = new BuildService(c, store, new ServeMetrics(), pino({ level: "silent" }), { runJob: f.run, probe: f.probe });
  try {
    await service.start();
    const tenant = c.tenants[0]!;
    const died = await service.submit(tenant, [], undefined, emptyTar());
    await until("the first start", () => f.calls.length === 1);
    // The Solve breaks before any health check runs: the node is asked at once.
    f.down.add("n1");
    f.calls[0]?.reject(new BuildFailed("the session with BuildKit ended mid-build: EOF"));
    await until("the retry", () => f.calls.length === 2);
    assert.equal(f.calls[1]?.node, "n2");
    const requeued = store.events(died).flatMap((e) => {
      const ev = fromBinary(BuildEventSchema, e.data);
      return ev.event.case === "build" && ev.event.value.state === State.QUEUED ? [ev.event.value.error] : [];
    });
    assert.match(requeued.at(-1) ?? "", /node n1 stopped answering mid-build \(the session with BuildKit ended mid-build: EOF\)/);
    f.calls[1]?.reject(new BuildFailed("process \"go build\" did not complete successfully: exit code: 1"));
    await until("the verdict", () => store.get(died)?.state === State.FAILED);
    assert.equal(store.get(died)?.error, 'process "go build" did not complete successfully: exit code: 1');
    assert.equal(store.get(died)?.attempts, 2);
  } finally {
    service.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
