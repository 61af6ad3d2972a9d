/**
 * The service as a process in front of a standalone buildkitd on loopback:
 * examples/hello uploaded as a tar, pushed to a loopback registry, watched
 * to SUCCEEDED. Needs `make buildkit` (buildkitd, runc, docker-registry) and
 * golang:1.24-bookworm in the local Docker engine.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pack } from "tar-stream";
import { prefetchModules, startGoProxy } from "../../scripts/goproxy.js";
import { BuildState } from "../../src/gen/slimgo/v1/builds_pb.js";
import { requireBuildkit, startNode } from "../support/buildkit/buildkitd.js";
import { startRegistry } from "../support/buildkit/registry.js";
import { buildsClient } from "../serve/support/builds-client.js";

const REGISTRY_PORT = Number(process.env["SLIMGO_SERVE_REGISTRY_PORT"] ?? 5170);
const HELLO = resolve("examples/hello");

async function helloTar(): Promise<Buffer[]> {
  const p = pack();
  for (const f of readdirSync(HELLO)) p.entry({ name: f, mode: 0o644 }, readFileSync(join(HELLO, f)));
  p.finalize();
  const out: Buffer[] = [];
  for await (const c of p) out.push(c as Buffer);
  const all = Buffer.concat(out);
  const chunks: Buffer[] = [];
  for (let i = 0; i < all.length; i += 64 << 10) chunks.push(all.subarray(i, i + (64 << 10)));
  return chunks;
}

test("slimgo serve builds examples/hello on a buildkitd node, watched to SUCCEEDED", { timeout: 900_000 }, async (t) => {
  requireBuildkit();
  const dir = mkdtempSync(join(tmpdir(), "slimgo-serve-e2e-"));
  const closers: Array<() => Promise<unknown> | void> = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    const registry = await startRegistry(dir, REGISTRY_PORT);
    closers.push(() => registry.stop());
    await registry.pushAsDockerHub(["golang:1.24-bookworm"]);
    const node = await startNode({ name: "serve1", dir, registry: registry.host });
    closers.push(() => node.destroy());
    const proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), [HELLO]));
    closers.push(() => proxy.close());

    const token = "e2e-token";
    writeFileSync(
      join(dir, "serve.yaml"),
      `listen: 127.0.0.1:0
metrics: 127.0.0.1:0
state: state.db
workdir: work
tenants:
  - {name: team-a, tokenSha256: ${createHash("sha256").update(token).digest("hex")}}
nodes:
  - {name: n1, addr: "${node.socket}", platforms: [linux/amd64], maxBuilds: 2}
`,
    );
    const child = spawn(process.execPath, ["--import", "tsx", "test/serve/support/serve-main.ts", join(dir, "serve.yaml")], { stdio: ["ignore", "pipe", "pipe"] });
    let logs = "";
    child.stderr.on("data", (b: Buffer) => (logs = (logs + b.toString()).slice(-200_000)));
    closers.push(
      () =>
        new Promise((r) => {
          if (child.exitCode !== null) return r(undefined);
          child.once("exit", r);
          child.kill("SIGTERM");
        }),
    );
    const started = await new Promise<{ address: string; metrics: string }>((resolveStart, reject) => {
      let out = "";
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
        const line = out.split("\n")[0];
        if (out.includes("\n") && line) resolveStart(JSON.parse(line) as { address: string; metrics: string });
      });
      child.once("exit", (c) => reject(new Error(`slimgo serve exited (${c}): ${logs.slice(-2000)}`)));
    });

    const client = buildsClient(started.address, token);
    closers.push(() => client.close());
    const image = `${registry.host}/serve/hello:1`;
    const id = await client.submit(["--network=host", "--build-arg", `GOPROXY=${proxy.url}`, "--build-arg", "GOSUMDB=off", "-t", image, "--push"], await helloTar());
    const events = await client.watch(id);
    const last = events.at(-1);
    assert.equal(last?.event.case, "build");
    const verdict = last?.event.case === "build" ? last.event.value : undefined;
    assert.equal(verdict?.state, BuildState.SUCCEEDED, `${verdict?.error}\n${logs.slice(-4000)}`);
    assert.match(verdict?.digests["linux/amd64"] ?? "", /^sha256:[0-9a-f]{64}$/);
    assert.equal(verdict?.node, "n1");
    assert.equal(verdict?.attempts, 1);
    const statuses = events.filter((e) => e.event.case === "status");
    assert.ok(statuses.length > 0, "the progress reached the watcher");
    const names = statuses.flatMap((e) => (e.event.case === "status" ? e.event.value.vertexes.map((v) => v.name) : []));
    assert.ok(names.some((n) => /go build/.test(n)), names.join("\n"));

    // A late watcher gets the same history.
    const again = await client.watch(id);
    assert.equal(again.length, events.length);

    // Every log line names the build it is about.
    const lines = logs.split("\n").filter((l) => l.includes(`"build":"${id}"`));
    assert.ok(lines.some((l) => l.includes("build finished")));

    const metrics = await (await fetch(`http://${started.metrics}/metrics`)).text();
    assert.match(metrics, /^slimgo_builds_total\{result="succeeded"\} 1$/m);
    assert.match(metrics, /^slimgo_build_seconds_count 1$/m);
    assert.deepEqual(readdirSync(join(dir, "work")), [], "the context is removed once the build is done");
    t.diagnostic(`submit to SUCCEEDED: ${((Number(verdict?.finished?.seconds ?? 0n) - Number(verdict?.created?.seconds ?? 0n)) || 0).toString()} s`);
  } finally {
    for (const c of closers.reverse()) await c();
  }
});
