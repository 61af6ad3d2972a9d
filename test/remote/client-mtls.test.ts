/**
 * `slimgo build` on a standalone buildkitd over mutual TLS, the frontend in
 * the test's slimgo process: a local output run on this host, a push to the
 * loopback registry (with slimgo's SBOM and BuildKit's provenance), and
 * refused TLS reported as one line.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Run, run } from "../support/docker.js";
import { type BuildkitNode, startNode } from "../support/buildkit/buildkitd.js";
import { inspectAttestation, provenanceLlb } from "../support/attestations.js";
import { slimgoBuild } from "./support/slimgo-build.js";
import { GREETING, type RemoteSuite, setUpSuite } from "./support/suite.js";
const PORT = Number(process.env["SLIMGO_CLIENT_NODE_PORT"] ?? 5211);

let suite: RemoteSuite;
let node: BuildkitNode;

before(async () => {
  suite = await setUpSuite("client");
  node = await startNode({ name: "client-node", dir: suite.dir, tcp: { port: PORT, certs: suite.certs }, registry: suite.registry.host });
});

after(async () => {
  await node?.destroy();
  await suite?.close();
});

function slimgo(dir: string, args: readonly string[], tls = true): Promise<Run> {
  return slimgoBuild(suite, node, dir, args, { tls });
}

test("a local output over mTLS: the binary runs on this host", async () => {
  const dir = suite.project();
  const out = join(suite.dir, "client-out");
  const res = await slimgo(dir, ["--output", `type=local,dest=${out}`]);
  assert.equal(res.code, 0, `slimgo build failed:\n${res.stderr.slice(-4000)}\nbuildkitd:\n${node.daemon.tail()}`);
  assert.match(res.stderr, /verified plain linux\/amd64: static amd64 ELF/);
  assert.match(execFileSync(join(out, "usr/local/bin/plain"), { encoding: "utf8" }).trim(), GREETING);
});

test("--push names the image in the loopback registry, and the engine runs it", async () => {
  const dir = suite.project();
  const ref = `${suite.registry.host}/slimgo-client-push:${process.pid}`;
  const res = await slimgo(dir, ["-t", ref, "--push"]);
  assert.equal(res.code, 0, `slimgo build failed:\n${res.stderr.slice(-4000)}\nbuildkitd:\n${node.daemon.tail()}`);
  assert.match(res.stderr, /pushing manifest for 127\.0\.0\.1:\d+\/slimgo-client-push/);
  try {
    const out = await run("docker", ["run", "--rm", "--pull=always", ref]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout.trim(), GREETING);
  } finally {
    await run("docker", ["image", "rm", "-f", ref]);
  }
});

test("--sbom=true --provenance=mode=max --push: the pushed index holds slimgo's SPDX document and BuildKit's full provenance", async () => {
  const dir = suite.project();
  const ref = `${suite.registry.host}/slimgo-client-attest:${process.pid}`;
  const res = await slimgo(dir, ["-t", ref, "--push", "--sbom=true", "--provenance=mode=max"]);
  assert.equal(res.code, 0, `slimgo build failed:\n${res.stderr.slice(-4000)}\nbuildkitd:\n${node.daemon.tail()}`);
  assert.match(res.stderr, /SBOM: 1 Go binary from build info/);
  const packages = (await inspectAttestation(ref, "SBOM")).SPDX.packages.map((p: { name: string; versionInfo: string }) => `${p.name}@${p.versionInfo}`);
  assert.ok(packages.includes("github.com/google/uuid@v1.6.0"), packages.join(" "));
  const slsa = (await inspectAttestation(ref, "Provenance")).SLSA;
  assert.ok((provenanceLlb(slsa)?.length ?? 0) > 0, `no mode=max provenance: ${JSON.stringify(slsa).slice(0, 2000)}`);
});

test("refused TLS and a plaintext client are one line naming the certificate flags", async () => {
  const dir = suite.project();
  for (const res of [await slimgo(dir, ["--tlscacert", suite.certs.ca], false), await slimgo(dir, [], false)]) {
    assert.equal(res.code, 1, res.stderr);
    assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
    assert.match(res.stderr, /^slimgo: (TLS with tcp:\/\/127\.0\.0\.1:\d+ failed .*--tlscacert|cannot reach BuildKit at tcp:\/\/127\.0\.0\.1:\d+)/);
  }
});
