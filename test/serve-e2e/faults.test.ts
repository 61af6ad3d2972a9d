/**
 * Faults: a node killed mid-build (the build is retried once on the other
 * node and succeeds, reported once), and the service killed with SIGKILL
 * while builds wait (a restart on the same state runs them all).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { contextTar } from "../../src/builds-client/context-tar.js";
import { BuildState } from "../../src/gen/slimgo/v1/builds_pb.js";
import { type Cluster, TENANTS, startCluster } from "../support/serve/cluster.js";
import { waitFinished, waitFor } from "../support/serve/client-process.js";

const A = TENANTS[0]!;
let c: Cluster;

before(async () => {
  c = await startCluster("faults", [
    { name: "n1", platforms: ["linux/amd64"], maxBuilds: 1 },
    { name: "n2", platforms: ["linux/amd64"], maxBuilds: 1 },
  ]);
});

after(async () => {
  await c?.close();
});

test("a node killed mid-build: the build is retried on the other node and succeeds", async (t) => {
  const client = c.service.client(A.name);
  try {
    const id = await client.submit({ args: [...c.goFlags, "--platform", "linux/amd64", "--no-cache"], context: contextTar(c.project("monorepo")) });
    const running = await waitFor(client, id, "running on a node", (b) => b.state === BuildState.RUNNING && b.node !== "");
    const victim = running.node;
    // Let it get into the Go steps, then take the node away without a goodbye.
    await new Promise((ok) => setTimeout(ok, 3000));
    process.kill(-c.nodes.get(victim)!.daemon.pid, "SIGKILL");
    const [done] = await waitFinished(client, [id], 5 * 60_000);
    assert.equal(done!.state, BuildState.SUCCEEDED, done!.error);
    assert.equal(done!.attempts, 2);
    assert.notEqual(done!.node, victim);
    // Reported once: the watch history ends with exactly one verdict.
    let verdicts = 0;
    await client.watch(id, (e) => {
      if (e.event.case === "build" && [BuildState.SUCCEEDED, BuildState.FAILED, BuildState.CANCELLED].includes(e.event.value.state)) verdicts++;
    });
    assert.equal(verdicts, 1);
    t.diagnostic(`node ${victim} killed mid-build: retried on ${done!.node}, succeeded`);
  } finally {
    client.close();
    await c.restartNode("n1").catch(() => undefined);
    await c.restartNode("n2").catch(() => undefined);
  }
});

test("kill -9 of the service with builds queued: a restart completes them", async (t) => {
  let client = c.service.client(A.name);
  const ids: string[] = [];
  try {
    const dir = c.project("hello");
    for (let i = 0; i < 6; i++) ids.push(await client.submit({ args: [...c.goFlags, "--platform", "linux/amd64", "--build-arg", `VERSION=kill-${i}`], context: contextTar(dir) }));
    const states = await Promise.all(ids.map((id) => client.get(id)));
    const queued = states.filter((b) => b.state === BuildState.QUEUED).length;
    assert.ok(queued > 0, "no build was queued when the service was killed");
    client.close();
    await c.service.kill9();
    await c.service.restart();
    client = c.service.client(A.name);
    const done = await waitFinished(client, ids, 5 * 60_000);
    assert.deepEqual(done.map((b) => BuildState[b.state]), ids.map(() => "SUCCEEDED"), done.map((b) => b.error).join("; "));
    t.diagnostic(`service killed with ${queued} of ${ids.length} builds queued: all ${ids.length} succeeded after the restart`);
  } finally {
    client.close();
  }
});
