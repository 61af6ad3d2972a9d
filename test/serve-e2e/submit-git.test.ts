/**
 * slimgo serve builds a git repository it fetches from a git daemon on
 * loopback: the monorepo fixture for linux/amd64 and linux/arm64 on two nodes
 * into one pushed index.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { indexPlatforms } from "../support/serve/index-platforms.js";
import { type Cluster, TENANTS, startCluster } from "../support/serve/cluster.js";
import { slimgo } from "../support/serve/client-process.js";

const A = TENANTS[0]!;
let c: Cluster;

before(async () => {
  c = await startCluster("git", [
    { name: "n1", platforms: ["linux/amd64"] },
    { name: "n2", platforms: ["linux/arm64"] },
  ]);
});

after(async () => {
  await c?.close();
});

test("a git repository on loopback (the monorepo fixture) builds for amd64 and arm64 into one index", async () => {
  const { url } = c.git.publish(c.project("monorepo"), "monorepo");
  const ref = `${c.registry.host}/monorepo:git`;
  const res = await slimgo(["build", "--server", c.service.url, "--progress", "plain", "--target", "all", "--platform", "linux/amd64,linux/arm64", "-t", ref, "--push", ...c.goFlags, `${url}#main`], A.token);
  assert.equal(res.code, 0, res.stderr.slice(-4000));
  assert.deepEqual(await indexPlatforms(ref), ["linux/amd64", "linux/arm64"]);
});

