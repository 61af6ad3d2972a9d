/**
 * Load: 40 builds from 4 tenants submitted at once to 2 nodes. All succeed;
 * each tenant's share of the first half of the starts is within ±25% of fair
 * even though the builds were submitted tenant after tenant; the service's
 * RSS stays bounded. The figures are printed as diagnostics (docs/serve.md).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { contextTar } from "../../src/builds-client/context-tar.js";
import { BuildState } from "../../src/gen/slimgo/v1/builds_pb.js";
import { type Cluster, TENANTS, startCluster } from "../support/serve/cluster.js";
import { waitFinished } from "../support/serve/client-process.js";

const PER_TENANT = 10;
/** The service holds 40 builds' records and event histories: far below this. */
const RSS_LIMIT = 400 << 20;

let c: Cluster;

before(async () => {
  c = await startCluster("load", [
    { name: "n1", platforms: ["linux/amd64"], maxBuilds: 2 },
    { name: "n2", platforms: ["linux/amd64"], maxBuilds: 2 },
  ]);
});

after(async () => {
  await c?.close();
});

const ms = (t: { seconds: bigint; nanos: number } | undefined) => (t === undefined ? Number.NaN : Number(t.seconds) * 1000 + t.nanos / 1e6);

test("40 builds from 4 tenants on 2 nodes: all succeed, fair share within ±25%, RSS bounded", async (t) => {
  const dir = c.project("hello");
  const clients = TENANTS.map((tenant) => ({ tenant: tenant.name, client: c.service.client(tenant.name) }));
  const sampler = setInterval(() => c.service.sample(), 250);
  const began = Date.now();
  try {
    // Tenant after tenant: a first-come queue would start all of team-a's builds first.
    const ids: { tenant: string; id: string }[] = [];
    for (const { tenant, client } of clients) {
      const submitted = await Promise.all(
        Array.from({ length: PER_TENANT }, (_, i) => client.submit({ args: [...c.goFlags, "--platform", "linux/amd64", "--build-arg", `VERSION=${tenant}-${i}`], context: contextTar(dir) })),
      );
      ids.push(...submitted.map((id) => ({ tenant, id })));
    }
    const builds = (
      await Promise.all(clients.map(({ tenant, client }) => waitFinished(client, ids.filter((x) => x.tenant === tenant).map((x) => x.id), 6 * 60_000, () => c.service.sample())))
    ).flat();
    const took = (Date.now() - began) / 1000;
    const failed = builds.filter((b) => b.state !== BuildState.SUCCEEDED);
    assert.deepEqual(failed.map((b) => `${b.id} ${BuildState[b.state]}: ${b.error}`), []);

    // Fair share, from start times: of the first half of the builds to start, each tenant should have a quarter.
    const byStart = [...builds].sort((x, y) => ms(x.started) - ms(y.started));
    const half = byStart.slice(0, builds.length / 2);
    const fair = half.length / TENANTS.length;
    const shares = TENANTS.map((tenant) => ({ tenant: tenant.name, started: half.filter((b) => b.tenant === tenant.name).length }));
    t.diagnostic(`load: ${builds.length} builds in ${took.toFixed(1)}s; first ${half.length} starts per tenant ${shares.map((s) => `${s.tenant} ${s.started}`).join(", ")} (fair ${fair})`);
    for (const s of shares) assert.ok(Math.abs(s.started - fair) <= fair * 0.25, `${s.tenant} started ${s.started} of the first ${half.length} builds; fair is ${fair} ± 25%`);
    const nodesUsed = new Set(builds.map((b) => b.node));
    assert.deepEqual([...nodesUsed].sort(), ["n1", "n2"], "the builds did not use both nodes");
    const queueMs = builds.map((b) => ms(b.started) - ms(b.created)).sort((x, y) => x - y);
    t.diagnostic(`load: queue time median ${(queueMs[queueMs.length >> 1]! / 1000).toFixed(1)}s, max ${(queueMs.at(-1)! / 1000).toFixed(1)}s`);
  } finally {
    clearInterval(sampler);
    for (const { client } of clients) client.close();
  }
  const peak = c.service.peakRss();
  t.diagnostic(`load: service peak RSS ${(peak / (1 << 20)).toFixed(0)} MiB`);
  assert.ok(peak > 0 && peak < RSS_LIMIT, `service RSS peaked at ${(peak / (1 << 20)).toFixed(0)} MiB (limit ${RSS_LIMIT >> 20} MiB)`);
});
