/**
 * The session against a stand-in for BuildKit's Control.Session: it checks
 * the session headers, speaks HTTP/2 to the session through the stream (as
 * BuildKit's gRPC client does) to call Health/Check and Secrets/GetSecret,
 * and can break the stream mid-build, which must reject `done`.
 */
import assert from "node:assert/strict";
import { connect as h2connect } from "node:http2";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Duplex, PassThrough, Writable } from "node:stream";
import { after, test } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Client, credentials, Metadata, Server, ServerCredentials, type ServerDuplexStream, status } from "@grpc/grpc-js";
import { InfoRequestSchema, InfoResponseSchema } from "../../src/gen/containerd/content_pb.js";
import { BytesMessageSchema } from "../../src/gen/control/control_pb.js";
import { BytesMessageSchema as FileBytesSchema } from "../../src/gen/session/filesync_pb.js";
import { GetSecretRequestSchema, GetSecretResponseSchema } from "../../src/gen/session/secrets_pb.js";
import { HealthCheckResponseSchema } from "../../src/gen/session/health_pb.js";
import { Session } from "../../src/session/index.js";

const dir = mkdtempSync(join(tmpdir(), "slimgo-fake-bk-"));
after(() => rmSync(dir, { recursive: true, force: true }));

type Call = ServerDuplexStream<Buffer, Buffer>;

/** A Control server whose Session handler hands each call to `onSession`. */
async function fakeBuildkit(onSession: (call: Call) => void): Promise<{ client: Client; close(): void }> {
  const server = new Server();
  const codec = {
    requestSerialize: (b: Buffer) => Buffer.from(toBinary(BytesMessageSchema, create(BytesMessageSchema, { data: b }))),
    requestDeserialize: (b: Buffer) => Buffer.from(fromBinary(BytesMessageSchema, b).data),
    responseSerialize: (b: Buffer) => Buffer.from(toBinary(BytesMessageSchema, create(BytesMessageSchema, { data: b }))),
    responseDeserialize: (b: Buffer) => Buffer.from(fromBinary(BytesMessageSchema, b).data),
  };
  server.addService({ Session: { path: "/moby.buildkit.v1.Control/Session", requestStream: true, responseStream: true, ...codec } }, { Session: onSession });
  const sock = join(dir, `bk-${Math.random().toString(36).slice(2)}.sock`);
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix:${sock}`, ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
  const client = new Client(`unix:${sock}`, credentials.createInsecure());
  return { client, close: () => (client.close(), server.forceShutdown()) };
}

/** The call's bytes as a Duplex, so node:http2 can run a client connection over it (BuildKit's side of the session). */
function callAsSocket(call: Call): Duplex {
  const d = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      // After the session closed, BuildKit's side has nothing left to say.
      if (call.destroyed || call.writableEnded) return cb();
      call.write(chunk, () => cb());
    },
  });
  call.on("data", (b: Buffer) => d.push(b));
  call.on("end", () => d.push(null));
  return d;
}

/** A stand-in BuildKit that keeps the session's headers and speaks HTTP/2 over its stream. */
async function peer(): Promise<{ bk: Awaited<ReturnType<typeof fakeBuildkit>>; seen: { headers?: Metadata; h2?: ReturnType<typeof h2connect> } }> {
  const seen: { headers?: Metadata; h2?: ReturnType<typeof h2connect> } = {};
  const bk = await fakeBuildkit((call) => {
    seen.headers = call.metadata;
    const socket = callAsSocket(call);
    seen.h2 = h2connect("http://localhost", { createConnection: () => socket });
  });
  return { bk, seen };
}

/** One unary gRPC call over an HTTP/2 session: framed request, framed response, grpc-status from the trailers. */
/** One gRPC call over an HTTP/2 session: framed request messages, the first framed response, grpc-status from the trailers. */
function grpcCall(h2: ReturnType<typeof h2connect>, path: string, body: Uint8Array | readonly Uint8Array[], headers: Record<string, string> = {}): Promise<{ status: number; message: string; data: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = h2.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", ...headers });
    const chunks: Buffer[] = [];
    let code = -1;
    let message = "";
    const takeStatus = (h: Record<string, unknown>) => {
      if (h["grpc-status"] !== undefined) {
        code = Number(h["grpc-status"]);
        message = decodeURIComponent(String(h["grpc-message"] ?? ""));
      }
    };
    req.on("response", takeStatus);
    req.on("trailers", takeStatus);
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const all = Buffer.concat(chunks);
      resolve({ status: code, message, data: all.length >= 5 ? all.subarray(5, 5 + all.readUInt32BE(1)) : Buffer.alloc(0) });
    });
    req.on("error", reject);
    const frame = (b: Uint8Array) => {
      const f = Buffer.alloc(5 + b.length);
      f.writeUInt32BE(b.length, 1);
      f.set(b, 5);
      return f;
    };
    req.end(Buffer.concat((body instanceof Uint8Array ? [body] : body).map(frame)));
  });
}

test("BuildKit gets the session headers, and its calls over the stream are answered", async () => {
  const { bk, seen } = await peer();
  const session = new Session({ secrets: new Map([["tok", { env: "SLIMGO_TEST_SECRET" }]]) });
  process.env["SLIMGO_TEST_SECRET"] = "v4lue";
  try {
    await session.attach(bk.client);
    assert.equal(seen.headers!.get("x-docker-expose-session-uuid")[0], session.id);
    assert.equal(seen.headers!.get("x-docker-expose-session-name")[0], "slimgo");
    assert.match(String(seen.headers!.get("x-docker-expose-session-sharedkey")[0]), /^[0-9a-f]{32}$/);
    const methods = seen.headers!.get("x-docker-expose-session-grpc-method").flatMap((v) => String(v).split(", "));
    assert.deepEqual(methods.sort(), ["/grpc.health.v1.Health/Check", "/moby.buildkit.secrets.v1.Secrets/GetSecret", "/moby.filesync.v1.Auth/Credentials"]);

    const health = await grpcCall(seen.h2!, "/grpc.health.v1.Health/Check", new Uint8Array());
    assert.equal(health.status, 0, health.message);
    assert.equal(fromBinary(HealthCheckResponseSchema, health.data).status, 1); // SERVING
    const secret = await grpcCall(seen.h2!, "/moby.buildkit.secrets.v1.Secrets/GetSecret", toBinary(GetSecretRequestSchema, create(GetSecretRequestSchema, { ID: "tok" })));
    assert.equal(Buffer.from(fromBinary(GetSecretResponseSchema, secret.data).data).toString(), "v4lue");
    const missing = await grpcCall(seen.h2!, "/moby.buildkit.secrets.v1.Secrets/GetSecret", toBinary(GetSecretRequestSchema, create(GetSecretRequestSchema, { ID: "nope" })));
    assert.equal(missing.status, status.NOT_FOUND);
    assert.match(missing.message, /secret nope not found/);
    seen.h2!.close();
    await session.finish(true);
    await session.done;
  } finally {
    delete process.env["SLIMGO_TEST_SECRET"];
    bk.close();
  }
});

test("local cache directories are served as containerd's content store, chosen by the store id header", async () => {
  const { bk, seen } = await peer();
  const cache = join(dir, "cache");
  const blob = Buffer.from("a cache blob");
  const digest = `sha256:${createHash("sha256").update(blob).digest("hex")}`;
  mkdirSync(join(cache, "blobs", "sha256"), { recursive: true });
  writeFileSync(join(cache, "blobs", "sha256", digest.slice(7)), blob);
  const session = new Session({ caches: [{ id: `local:${cache}`, dir: cache }] });
  try {
    await session.attach(bk.client);
    const methods = seen.headers!.get("x-docker-expose-session-grpc-method").flatMap((v) => String(v).split(", "));
    assert.ok(methods.includes("/containerd.services.content.v1.Content/Write") && methods.includes("/containerd.services.content.v1.Content/Read"), methods.join(" "));
    const info = await grpcCall(seen.h2!, "/containerd.services.content.v1.Content/Info", toBinary(InfoRequestSchema, create(InfoRequestSchema, { digest })), { "buildkit-attachable-store-id": `local:${cache}` });
    assert.equal(info.status, 0, info.message);
    assert.equal(fromBinary(InfoResponseSchema, info.data).info?.size, BigInt(blob.length));
    const other = await grpcCall(seen.h2!, "/containerd.services.content.v1.Content/Info", toBinary(InfoRequestSchema, create(InfoRequestSchema, { digest })), { "buildkit-attachable-store-id": "local:/elsewhere" });
    assert.equal(other.status, status.NOT_FOUND);
    assert.match(other.message, /unknown store local:\/elsewhere/);
    seen.h2!.close();
    await session.finish(true, {});
    await session.done;
  } finally {
    bk.close();
  }
});

test("a session whose stream breaks mid-build rejects done with what happened", async () => {
  let theCall: Call | undefined;
  const bk = await fakeBuildkit((call) => {
    theCall = call;
    call.write(Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
  });
  const session = new Session({});
  try {
    await session.attach(bk.client);
    theCall!.emit("error", { code: status.UNAVAILABLE, details: "node shutting down" });
    const outcome = await Promise.race([
      session.done.then(() => "resolved", (e: Error) => e.message),
      new Promise<string>((resolve) => setTimeout(() => resolve("still pending after 5 s"), 5000).unref()),
    ]);
    assert.match(outcome, /BuildKit session ended: node shutting down|session/);
    assert.doesNotMatch(outcome, /resolved|pending/);
  } finally {
    bk.close();
  }
});

test("attach fails clearly when BuildKit refuses the session", async () => {
  const bk = await fakeBuildkit((call) => call.emit("error", { code: status.PERMISSION_DENIED, details: "no sessions for you" }));
  const session = new Session({});
  try {
    await assert.rejects(session.attach(bk.client), /BuildKit session ended: no sessions for you/);
    await assert.rejects(session.done, /no sessions for you/);
  } finally {
    bk.close();
  }
});

/** BuildKit's side of a session: a fake Control whose Session stream carries an HTTP/2 client. */
async function attached(session: Session): Promise<{ h2: ReturnType<typeof h2connect>; close(): void }> {
  let h2: ReturnType<typeof h2connect> | undefined;
  const bk = await fakeBuildkit((call) => {
    const socket = callAsSocket(call);
    h2 = h2connect("http://localhost", { createConnection: () => socket });
  });
  await session.attach(bk.client);
  return { h2: h2!, close: () => (h2!.close(), bk.close()) };
}

const sendBytes = (h2: ReturnType<typeof h2connect>, chunks: readonly string[]) =>
  grpcCall(h2, "/moby.filesync.v1.FileSend/DiffCopy", chunks.map((c) => toBinary(FileBytesSchema, create(FileBytesSchema, { data: Buffer.from(c) }))), { "buildkit-attachable-exporter-id": "0" });

test("an archive output with dest - streams to the session's stdout as it arrives, and is not closed after", async () => {
  const stdout = new PassThrough();
  const got: Buffer[] = [];
  stdout.on("data", (b: Buffer) => got.push(b));
  const session = new Session({ outputs: [{ type: "tar", dest: "-" }], stdout });
  const bk = await attached(session);
  try {
    const sent = await sendBytes(bk.h2, ["ustar-part-1|", "part-2"]);
    assert.equal(sent.status, 0, sent.message);
    assert.equal(Buffer.concat(got).toString(), "ustar-part-1|part-2");
    await session.finish(true);
    assert.equal(stdout.writableEnded, false, "stdout was closed");
  } finally {
    bk.close();
  }
});

test("a stdout that breaks (its reader went away) fails the transfer and the build's outputs", async () => {
  const stdout = new Writable({ write: (_c, _e, cb) => cb(Object.assign(new Error("write EPIPE"), { code: "EPIPE" })) });
  stdout.on("error", () => {});
  const session = new Session({ outputs: [{ type: "tar", dest: "-" }], stdout });
  const bk = await attached(session);
  try {
    const sent = await sendBytes(bk.h2, ["x".repeat(100)]);
    assert.notEqual(sent.status, 0);
    assert.match(sent.message, /the archive.s reader closed the pipe before the end \(EPIPE\)/);
    await assert.rejects(session.finish(true), /output to stdout: the archive.s reader closed the pipe/);
  } finally {
    bk.close();
  }
});
