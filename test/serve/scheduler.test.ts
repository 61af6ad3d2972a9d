import { test } from "node:test";
import assert from "node:assert/strict";
import { type Job, type NodeView, affinityKey, schedule } from "../../src/serve/scheduler.js";

function node(name: string, platforms: string[], maxBuilds: number, running = 0, healthy = true): NodeView {
  return { name, platforms, maxBuilds, running, healthy };
}

function jobs(tenant: string, n: number, platform = "linux/amd64", repository = `repo-${tenant}`): Job[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${tenant}-${i}`, tenant, platform, repository }));
}

/**
 * A fake farm: every tick the running jobs finish and the scheduler fills the
 * nodes again; returns how many jobs of each tenant ran in the first `ticks`.
 */
function simulate(queue: Job[], nodes: NodeView[], maxRunning: Record<string, number>, ticks: number): Map<string, number> {
  const started = new Map<string, number>();
  const lastServed = new Map<string, number>();
  let rest = [...queue];
  for (let t = 0; t < ticks; t++) {
    const tenants = new Map(Object.entries(maxRunning).map(([name, max]) => [name, { maxRunning: max, running: 0 }]));
    const got = schedule({ queue: rest, nodes, tenants, lastBuilt: new Map(), lastServed });
    for (const a of got) started.set(a.job.tenant, (started.get(a.job.tenant) ?? 0) + 1);
    const ids = new Set(got.map((a) => a.job.id));
    rest = rest.filter((j) => !ids.has(j.id));
  }
  return started;
}

test("fair share: 4 tenants, one with far more queued, each gets within ±25% of a quarter", () => {
  // Tenant a queued everything first: a FIFO queue would run only a's builds.
  const queue = [...jobs("a", 100), ...jobs("b", 30), ...jobs("c", 30), ...jobs("d", 30)];
  const nodes = [node("n1", ["linux/amd64"], 2), node("n2", ["linux/amd64"], 1)];
  const started = simulate(queue, nodes, { a: 4, b: 4, c: 4, d: 4 }, 40);
  const total = [...started.values()].reduce((x, y) => x + y, 0);
  assert.equal(total, 120);
  for (const t of ["a", "b", "c", "d"]) {
    const share = (started.get(t) ?? 0) / total;
    assert.ok(Math.abs(share - 0.25) <= 0.25 * 0.25, `tenant ${t} got ${started.get(t)} of ${total}`);
  }
});

test("a tenant's maxRunning caps it even with free nodes", () => {
  const got = schedule({
    queue: jobs("a", 10),
    nodes: [node("n1", ["linux/amd64"], 8)],
    tenants: new Map([["a", { maxRunning: 2, running: 1 }]]),
    lastBuilt: new Map(),
    lastServed: new Map(),
  });
  assert.equal(got.length, 1);
});

test("a node's maxBuilds, and unhealthy nodes take nothing", () => {
  const got = schedule({
    queue: [...jobs("a", 5), ...jobs("b", 5)],
    nodes: [node("n1", ["linux/amd64"], 2, 1), node("n2", ["linux/amd64"], 4, 0, false)],
    tenants: new Map([
      ["a", { maxRunning: 5, running: 0 }],
      ["b", { maxRunning: 5, running: 0 }],
    ]),
    lastBuilt: new Map(),
    lastServed: new Map(),
  });
  assert.deepEqual(got.map((a) => a.node), ["n1"]);
});

test("platform routing: arm64 jobs go to the arm64 node, and wait rather than land elsewhere", () => {
  const queue = [...jobs("a", 2, "linux/arm64"), ...jobs("a", 1, "linux/amd64"), ...jobs("a", 1, "linux/s390x")];
  const got = schedule({
    queue,
    nodes: [node("amd", ["linux/amd64"], 4), node("arm", ["linux/arm64", "linux/arm/v7"], 4)],
    tenants: new Map([["a", { maxRunning: 10, running: 0 }]]),
    lastBuilt: new Map(),
    lastServed: new Map(),
  });
  assert.deepEqual(
    got.map((a) => `${a.job.platform}@${a.node}`),
    ["linux/arm64@arm", "linux/arm64@arm", "linux/amd64@amd"],
  );
});

test("cache affinity: the node that built the repository and platform last, when it has room", () => {
  const base = { tenants: new Map([["a", { maxRunning: 10, running: 0 }]]), lastServed: new Map<string, number>() };
  const lastBuilt = new Map([[affinityKey("repo-a", "linux/amd64"), "n2"]]);
  const roomy = schedule({ ...base, queue: jobs("a", 1), nodes: [node("n1", ["linux/amd64"], 4), node("n2", ["linux/amd64"], 4, 3)], lastBuilt });
  assert.deepEqual(roomy.map((a) => [a.node, a.affinity]), [["n2", true]]);
  const full = schedule({ ...base, queue: jobs("a", 1), nodes: [node("n1", ["linux/amd64"], 4), node("n2", ["linux/amd64"], 4, 4)], lastBuilt });
  assert.deepEqual(full.map((a) => [a.node, a.affinity]), [["n1", false]]);
  const otherPlatform = schedule({ ...base, queue: jobs("a", 1, "linux/arm64"), nodes: [node("n1", ["linux/arm64"], 4), node("n2", ["linux/amd64", "linux/arm64"], 4, 3)], lastBuilt });
  assert.deepEqual(otherPlatform.map((a) => [a.node, a.affinity]), [["n1", false]]);
});

test("a job lost on a node is not sent back to it", () => {
  const got = schedule({
    queue: [{ id: "x", tenant: "a", platform: "linux/amd64", repository: "r", avoid: "n1" }],
    nodes: [node("n1", ["linux/amd64"], 4), node("n2", ["linux/amd64"], 4, 3)],
    tenants: new Map([["a", { maxRunning: 10, running: 0 }]]),
    lastBuilt: new Map(),
    lastServed: new Map(),
  });
  assert.deepEqual(got.map((a) => a.node), ["n2"]);
});

test("the node a job was lost on is used again only when it alone builds the platform", () => {
  const base = { tenants: new Map([["a", { maxRunning: 10, running: 0 }]]), lastBuilt: new Map<string, string>(), lastServed: new Map<string, number>() };
  const job: Job = { id: "x", tenant: "a", platform: "linux/arm64", repository: "r", avoid: "arm" };
  const busyOther = schedule({ ...base, queue: [job], nodes: [node("arm", ["linux/arm64"], 4), node("arm2", ["linux/arm64"], 1, 1)] });
  assert.deepEqual(busyOther, [], "another arm64 node exists: wait for it");
  const alone = schedule({ ...base, queue: [job], nodes: [node("arm", ["linux/arm64"], 4), node("amd", ["linux/amd64"], 4)] });
  assert.deepEqual(alone.map((a) => a.node), ["arm"]);
});
