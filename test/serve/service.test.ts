import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import { pino } from "pino";
import { pack } from "tar-stream";
import { BuildState } from "../../src/gen/slimgo/v1/builds_pb.js";
import { type RunningServer, parseServeConfig, startServer } from "../../src/serve/index.js";
import { buildsClient } from "./support/builds-client.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

function configText(dir: string): string {
  return `listen: 127.0.0.1:0
metrics: 127.0.0.1:0
state: ${join(dir, "state.db")}
workdir: ${join(dir, "work")}
healthInterval: 200ms
tenants:
  - {name: team-a, tokenSha256: ${sha("token-a")}, maxRunning: 2}
  - {name: team-b, tokenSha256: ${sha("token-b")}}
nodes:
  - {name: gone, addr: "unix://${join(dir, "no-such.sock")}", platforms: [linux/amd64]}
limits: {contextFiles: 50, contextBytes: 1MB}
`;
}

async function tarChunks(entries: Array<{ name: string; body?: string; type?: "symlink" | "file"; linkname?: string }>): Promise<Buffer[]> {
  const p = pack();
  for (const { body, ...h } of entries) p.entry(h, body ?? "");
  p.finalize();
  const all: Buffer[] = [];
  for await (const c of p) all.push(c as Buffer);
  const buf = Buffer.concat(all);
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += 512) out.push(buf.subarray(i, i + 512));
  return out;
}

const HELLO = [
  { name: "go.mod", body: "module example.com/hello\n\ngo 1.22\n" },
  { name: "main.go", body: "package main\n\nfunc main() {}\n" },
  { name: "slimgo.yaml", body: "# syntax=slimgo\nmain: .\n" },
];

async function withServer(fn: (s: RunningServer, dir: string) => Promise<void>, dir = mkdtempSync(join(tmpdir(), "slimgo-serve-"))): Promise<void> {
  const server = await startServer(parseServeConfig(configText(dir), join(dir, "serve.yaml")), pino({ level: "silent" }));
  try {
    await fn(server, dir);
  } finally {
    await server.close();
  }
}

const code = (c: number) => (err: unknown) => (err as { code?: number }).code === c;

test("auth: no token or a wrong one is UNAUTHENTICATED; another tenant's build is NOT_FOUND", async () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-serve-"));
  try {
    await withServer(async (s) => {
      const anon = buildsClient(s.address);
      const wrong = buildsClient(s.address, "nope");
      const a = buildsClient(s.address, "token-a");
      const b = buildsClient(s.address, "token-b");
      try {
        await assert.rejects(anon.call("list", {}), code(status.UNAUTHENTICATED));
        await assert.rejects(wrong.call("list", {}), code(status.UNAUTHENTICATED));
        await assert.rejects(anon.submit([], await tarChunks(HELLO)), code(status.UNAUTHENTICATED));
        await assert.rejects(anon.watch("x"), code(status.UNAUTHENTICATED));

        const id = await a.submit(["--platform", "linux/amd64"], await tarChunks(HELLO));
        const got = await a.call("get", { id });
        assert.equal(got.state, BuildState.QUEUED, "the only node is unreachable: the build waits");
        assert.equal(got.repository, "example.com/hello");
        assert.equal(got.tenant, "team-a");
        await assert.rejects(b.call("get", { id }), code(status.NOT_FOUND));
        await assert.rejects(b.call("cancel", { id }), code(status.NOT_FOUND));
        await assert.rejects(b.watch(id), code(status.NOT_FOUND));
        assert.deepEqual((await b.call("list", {})).builds, []);
        assert.deepEqual((await a.call("list", {})).builds.map((x) => x.id), [id]);

        const nodes = await a.call("nodes", {});
        assert.equal(nodes.nodes[0]?.healthy, false);
        assert.match(nodes.nodes[0]?.error ?? "", /no-such\.sock/);

        const cancelled = await a.call("cancel", { id });
        assert.equal(cancelled.state, BuildState.CANCELLED);
        assert.equal(cancelled.error, "cancelled by team-a");
        const history = await a.watch(id);
        assert.deepEqual(
          history.map((e) => (e.event.case === "build" ? e.event.value.state : -1)),
          [BuildState.QUEUED, BuildState.CANCELLED],
          "a late watcher gets the history, and the call ends with the build",
        );
        assert.deepEqual(readdirSync(join(dir, "work")), [], "a cancelled build's context is removed");
      } finally {
        for (const c of [anon, wrong, a, b]) c.close();
      }
    }, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a hostile tar is refused with INVALID_ARGUMENT naming the entry, and nothing is left", async () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-serve-"));
  try {
    await withServer(async (s) => {
      const a = buildsClient(s.address, "token-a");
      try {
        for (const [entries, message] of [
          [[...HELLO, { name: "../escape", body: "x" }], /"\.\.\/escape" climbs out of the context/],
          [[{ name: "/etc/passwd", body: "x" }], /"\/etc\/passwd" is an absolute path/],
          [[{ name: "root", type: "symlink" as const, linkname: "/" }, { name: "root/etc/x", body: "x" }], /"root" is a symlink to "\/"/],
          [Array.from({ length: 60 }, (_, i) => ({ name: `f${i}`, body: "x" })), /more than 50 entries/],
        ] as const) {
          await assert.rejects(a.submit([], await tarChunks([...entries])), (err: unknown) => (err as { code: number }).code === status.INVALID_ARGUMENT && message.test((err as { details: string }).details));
        }
        assert.deepEqual(readdirSync(join(dir, "work")), []);
        assert.deepEqual(readdirSync(dir).sort(), ["state.db", "state.db-shm", "state.db-wal", "work"]);
        const metrics = await (await fetch(`http://${s.metricsAddress}/metrics`)).text();
        assert.match(metrics, /^slimgo_refused_contexts_total 4$/m);
      } finally {
        a.close();
      }
    }, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("flags that make no sense remotely are refused before the upload", async () => {
  await withServer(async (s) => {
    const a = buildsClient(s.address, "token-a");
    try {
      for (const [args, message] of [
        [["--load"], /--load does not apply to a build on the service/],
        [["-o", "type=local,dest=/tmp/x"], /-o type=local does not apply/],
        [["--secret", "id=x,src=/etc/shadow"], /--secret does not apply/],
        [["--addr", "tcp://10.0.0.1:1234"], /--addr does not apply/],
        [["-f", "../slimgo.yaml"], /-f \.\.\/slimgo\.yaml: the spec must be a path inside the uploaded context/],
        [["--bogus"], /Unknown option '--bogus'/],
      ] as const) {
        await assert.rejects(a.submit([...args], await tarChunks(HELLO)), (err: unknown) => (err as { code: number }).code === status.INVALID_ARGUMENT && message.test((err as { details: string }).details));
      }
    } finally {
      a.close();
    }
  });
});

test("a client that goes away mid-upload leaves nothing behind", async () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-serve-"));
  try {
    await withServer(async (s) => {
      const a = buildsClient(s.address, "token-a");
      try {
        const big = Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, body: "y".repeat(4000) }));
        await assert.rejects(a.submit([], await tarChunks(big), 30), code(status.CANCELLED));
        const deadline = Date.now() + 5000;
        while (readdirSync(join(dir, "work")).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.deepEqual(readdirSync(join(dir, "work")), []);
        assert.deepEqual((await a.call("list", {})).builds, [], "no build was recorded");
      } finally {
        a.close();
      }
    }, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("queued builds survive a restart with their records", async () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-serve-"));
  try {
    let id = "";
    await withServer(async (s) => {
      const a = buildsClient(s.address, "token-a");
      id = await a.submit([], await tarChunks(HELLO));
      a.close();
    }, dir);
    await withServer(async (s) => {
      const a = buildsClient(s.address, "token-a");
      try {
        const b = await a.call("get", { id });
        assert.equal(b.state, BuildState.QUEUED);
        assert.deepEqual(readdirSync(join(dir, "work")), [id], "its context is kept while it waits");
        const metrics = await (await fetch(`http://${s.metricsAddress}/metrics`)).text();
        assert.match(metrics, /^slimgo_queue_depth 1$/m);
        assert.match(metrics, /^slimgo_node_healthy\{node="gone"\} 0$/m);
      } finally {
        a.close();
      }
    }, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("gRPC health answers SERVING", async () => {
  await withServer(async (s) => {
    const a = buildsClient(s.address);
    try {
      const res = await new Promise<Buffer>((resolve, reject) =>
        a.client.makeUnaryRequest("/grpc.health.v1.Health/Check", (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), (err, r) => (err ? reject(err) : resolve(r as Buffer))),
      );
      assert.deepEqual([...res], [0x08, 0x01]);
    } finally {
      a.close();
    }
  });
});
