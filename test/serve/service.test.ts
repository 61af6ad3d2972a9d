import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { status } from "@grpc/grpc-js";
import { pino } from "pino";
import { BuildState } from "../../src/gen/slimgo/v1/builds_pb.js";
import { type RunningServer, parseServeConfig, startServer } from "../../src/serve/index.js";
import { buildsClient } from "./support/builds-client.js";
import { tarChunks } from "./support/tar.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

function configText(dir: string): string {
  return `listen: 127.0.0.1:0
metrics: 127.0.0.1:0
state: ${join(dir, "state.db")}
workdir: ${join(dir, "work")}
healthInterval: 200ms
tenants:
  - {name: team-a, tokenSha256: ${sha("token-a")}, maxRunning: 2, secrets: {netrc: ${join(dir, "team-a.netrc")}}}
  - {name: team-b, tokenSha256: ${sha("token-b")}}
nodes:
  - {name: gone, addr: "unix://${join(dir, "no-such.sock")}", platforms: [linux/amd64]}
limits: {contextFiles: 50, contextBytes: 1MB}
`;
}

const HELLO = [
  { name: "go.mod", body: "module example.com/hello\n\ngo 1.22\n" },
  { name: "main.go", body: "package main\n\nfunc main() {}\n" },
  { name: "slimgo.yaml", body: "# syntax=slimgo\nmain: .\n" },
];

/** Runs `fn` against a server on `dir` (a fresh one, removed afterwards, when not given). */
async function withServer(fn: (s: RunningServer, dir: string) => Promise<void>, given?: string): Promise<void> {
  const dir = given ?? mkdtempSync(join(tmpdir(), "slimgo-serve-"));
  try {
    const server = await startServer(parseServeConfig(configText(dir), join(dir, "serve.yaml")), pino({ level: "silent" }));
    try {
      await fn(server, dir);
    } finally {
      await server.close();
    }
  } finally {
    if (given === undefined) rmSync(dir, { recursive: true, force: true });
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

test("-f -: the spec sent with the options is kept beside the context; -f - without it, or a spec without -f -, is refused", async () => {
  await withServer(async (s, dir) => {
    const a = buildsClient(s.address, "token-a");
    try {
      const spec = new TextEncoder().encode("name: from-stdin\n");
      const id = await a.submit(["-f", "-"], await tarChunks(HELLO), undefined, undefined, spec);
      assert.equal(readFileSync(join(dir, "work", id, "stdin", "slimgo.yaml"), "utf8"), "name: from-stdin\n");
      assert.deepEqual((await a.call("get", { id })).args, ["-f", "-"]);
      assert.equal((await a.call("get", { id })).repository, "example.com/hello", "go.mod is still the context's");
      const refused = async (args: string[], sent: Uint8Array | undefined, message: RegExp) =>
        assert.rejects(a.submit(args, await tarChunks(HELLO), undefined, undefined, sent), (err: unknown) => (err as { code: number }).code === status.INVALID_ARGUMENT && message.test((err as { details: string }).details));
      await refused(["-f", "-"], undefined, /-f -: the spec goes in the Submit's options/);
      await refused([], spec, /the args do not say -f -/);
      await refused(["-f", "-"], new Uint8Array((1 << 20) + 1), /the spec is 1048577 bytes, over 1048576/);
      assert.deepEqual(readdirSync(join(dir, "work")), [id], "refused builds leave nothing");
    } finally {
      a.close();
    }
  });
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
        [["--secret", "id=x,src=/etc/shadow"], /--secret id=x,src=… does not apply/],
        [["--secret", "id=PATH"], /--secret id=PATH: tenant team-a has no secret PATH: the service's operator lends one in serve\.yaml/],
        [["--ssh", "default"], /--ssh default: tenant team-a has no SSH agent default/],
        [["--cache-to", "type=local,dest=/tmp/c"], /--cache-to type=local does not apply/],
        [["--addr", "tcp://10.0.0.1:1234"], /--addr does not apply/],
        [["-f", "../slimgo.yaml"], /-f \.\.\/slimgo\.yaml: the spec must be a path inside the uploaded context/],
        [["--bogus"], /Unknown option '--bogus'/],
        [["--platform", "linux/s390x"], /--platform linux\/s390x: no node builds it; the nodes offer linux\/amd64/],
      ] as const) {
        await assert.rejects(a.submit([...args], await tarChunks(HELLO)), (err: unknown) => (err as { code: number }).code === status.INVALID_ARGUMENT && message.test((err as { details: string }).details));
      }
      // A secret the tenant is lent is taken; the other tenant has none of that id.
      assert.match(await a.submit(["--secret", "id=netrc"], await tarChunks(HELLO)), /^[0-9a-f]{24}$/);
      const b = buildsClient(s.address, "token-b");
      try {
        await assert.rejects(b.submit(["--secret", "id=netrc"], await tarChunks(HELLO)), (err: unknown) => /tenant team-b has no secret netrc/.test((err as { details: string }).details));
      } finally {
        b.close();
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
        await assert.rejects(a.submit([], await tarChunks(big, 512), 30), code(status.CANCELLED));
        const deadline = Date.now() + 5000;
        while (readdirSync(join(dir, "work")).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.deepEqual(readdirSync(join(dir, "work")), []);
        assert.deepEqual((await a.call("list", {})).builds, [], "no build was recorded");
        const metrics = await (await fetch(`http://${s.metricsAddress}/metrics`)).text();
        assert.match(metrics, /^slimgo_refused_contexts_total 0$/m, "a client going away is not a refused context");
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

test("gRPC reflection lists the services and serves their descriptors with their imports", async () => {
  await withServer(async (s) => {
    const a = buildsClient(s.address);
    try {
      const ask = (field: number, value: string): Buffer => {
        const w = new BinaryWriter();
        w.tag(field, WireType.LengthDelimited).string(value);
        return Buffer.from(w.finish());
      };
      const answers = await new Promise<Buffer[]>((resolve, reject) => {
        const out: Buffer[] = [];
        const call = a.client.makeBidiStreamRequest("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", (b: Buffer) => b, (b: Buffer) => b);
        call.on("data", (b: Buffer) => out.push(b));
        call.on("error", reject);
        call.on("end", () => resolve(out));
        call.write(ask(7, "*"));
        call.write(ask(4, "slimgo.v1.Builds"));
        call.write(ask(4, "no.such.Thing"));
        call.end();
      });
      const fields = (b: Buffer, want: number): Uint8Array[] => {
        const r = new BinaryReader(b);
        const out: Uint8Array[] = [];
        while (r.pos < r.len) {
          const [f, t] = r.tag();
          if (f === want && t === WireType.LengthDelimited) out.push(r.bytes());
          else r.skip(t);
        }
        return out;
      };
      const [list, file, missing] = answers as [Buffer, Buffer, Buffer];
      const services = fields(list, 6).flatMap((l) => fields(Buffer.from(l), 1).map((svc) => new TextDecoder().decode(fields(Buffer.from(svc), 1)[0])));
      assert.deepEqual(services, ["slimgo.v1.Builds", "grpc.health.v1.Health"]);
      const names = fields(file, 4).flatMap((r) => fields(Buffer.from(r), 1).map((d) => fromBinary(FileDescriptorProtoSchema, d).name));
      assert.equal(names[0], "slimgo/v1/builds.proto");
      assert.ok(names.includes("control/control.proto") && names.includes("google/protobuf/timestamp.proto"), names.join(", "));
      assert.equal(fields(missing, 7).length, 1, "an unknown symbol gets an error response");
    } finally {
      a.close();
    }
  });
});
