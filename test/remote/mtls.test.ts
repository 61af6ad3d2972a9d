/**
 * slimgo on a standalone buildkitd reached over mutual TLS: with buildctl and
 * the gateway frontend named by its registry reference, and with a buildx
 * `remote` builder and `# syntax=<registry>/slimgo`. Modules come from a
 * loopback GOPROXY, so the download step runs with the host network.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { run, stepState } from "../support/docker.js";
import { BUILDCTL, type BuildkitNode, startNode } from "../support/buildkit/buildkitd.js";
import { type RemoteBuilder, createRemoteBuilder } from "./support/buildx.js";
import { buildctlBuild } from "./support/slimgo-build.js";
import { GREETING, type RemoteSuite, setUpSuite } from "./support/suite.js";

let suite: RemoteSuite;
let node: BuildkitNode;
let builder: RemoteBuilder | undefined;

before(async () => {
  suite = await setUpSuite("mtls");
  node = await startNode({ name: "node1", dir: suite.dir, tcp: { port: 5201, certs: suite.certs }, registry: suite.registry.host });
});

after(async () => {
  await builder?.remove();
  await node?.destroy();
  await suite?.close();
});

/** The binary the image holds, run on this host. */
function runBinary(outDir: string): string {
  return execFileSync(join(outDir, "usr/local/bin/plain"), { encoding: "utf8" }).trim();
}

test("the TCP address refuses clients without a certificate from the CA", async () => {
  const noCert = await run(BUILDCTL, ["--addr", node.addr, "--tlscacert", suite.certs.ca, "debug", "workers"]);
  assert.notEqual(noCert.code, 0, "a client without a certificate was served");
  const plain = await run(BUILDCTL, ["--addr", node.addr, "debug", "workers"], { timeoutMs: 30_000 });
  assert.notEqual(plain.code, 0, "a plaintext client was served");
  const withCert = await node.buildctl(["debug", "workers"]);
  assert.equal(withCert.code, 0, withCert.stderr);
  assert.match(withCert.stdout, /linux\/amd64/);
});

test("buildctl builds with the gateway frontend from the registry over mTLS", async () => {
  const dir = suite.project();
  const out = join(suite.dir, "buildctl-out");
  suite.proxy.reset();
  const res = await buildctlBuild(suite, node, dir, ["--output", `type=local,dest=${out}`]);
  assert.equal(res.code, 0, `buildctl build failed:\n${res.stderr.slice(-4000)}\nbuildkitd:\n${node.daemon.tail()}`);
  assert.match(res.stderr, /verified plain linux\/amd64: static amd64 ELF/);
  assert.ok(suite.proxy.zips().some((z) => z.startsWith("/github.com/google/uuid/@v/")), `the node did not fetch uuid from the loopback GOPROXY: ${suite.proxy.fetched.join(", ")}`);
  assert.match(runBinary(out), GREETING);
});

test("a buildx remote builder over mTLS runs `# syntax=<registry>/slimgo` and reuses the node's module layer", async () => {
  builder = await createRemoteBuilder(`slimgo-mtls-${process.pid}`, [{ node }], suite.certs);
  const dir = suite.project();
  const out = join(suite.dir, "buildx-out");
  suite.proxy.reset();
  const res = await builder.build(dir, suite.goArgs, ["--network=host", "--output", `type=local,dest=${out}`]);
  assert.equal(res.code, 0, `buildx build failed:\n${res.stderr.slice(-4000)}\nbuildkitd:\n${node.daemon.tail()}`);
  assert.match(res.stderr, /verified plain linux\/amd64: static amd64 ELF/);
  assert.equal(stepState(res.stderr, "go mod download"), "cached", "go mod download ran again on the same node");
  assert.deepEqual(suite.proxy.zips(), [], "the same go.mod/go.sum on the same node fetched modules again");
  assert.match(runBinary(out), GREETING);
});
