/**
 * BuildKit's session is an HTTP/2 connection carried inside the
 * Control.Session call, in BytesMessage frames, with the client as the gRPC
 * server. grpc-js can only serve on sockets it listens on itself, so the
 * session's services listen on a private unix socket and the call is bridged
 * to one connection to it (src/gateway/stdio-transport.ts is the mirror image:
 * there the frontend is the client).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type Client, type ClientDuplexStream, Metadata, Server, ServerCredentials, status } from "@grpc/grpc-js";
import { BytesMessageSchema } from "../gen/control/control_pb.js";
import type { ServedMethod } from "./grpc-service.js";

/** BuildKit allows 16 MiB messages; grpc-js defaults to 4. */
const MAX_MESSAGE_BYTES = 16 << 20;
/** How long BuildKit may take to start talking on a new session before attach gives up. */
const ATTACH_TIMEOUT_MS = 30_000;

export interface SessionHeaders {
  readonly id: string;
  readonly name: string;
  readonly sharedKey: string;
}

/** The services, listening on a unix socket in a private directory. */
export class LocalServer {
  private constructor(
    private readonly server: Server,
    private readonly dir: string,
    readonly socket: string,
  ) {}

  static async start(methods: readonly ServedMethod[]): Promise<LocalServer> {
    const dir = mkdtempSync(join(tmpdir(), "slimgo-session-"));
    const socket = join(dir, "session.sock");
    const server = new Server({
      "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
      "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    });
    server.addService(
      Object.fromEntries(methods.map((m) => [m.path, m.definition])),
      Object.fromEntries(methods.map((m) => [m.path, m.handler])),
    );
    try {
      await new Promise<void>((resolve, reject) => server.bindAsync(`unix:${socket}`, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return new LocalServer(server, dir, socket);
  }

  close(): void {
    this.server.forceShutdown();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Bridge {
  /** Resolves when BuildKit first speaks on the session (it then has it registered). */
  readonly ready: Promise<void>;
  /** Rejects when the session ends before `close()`; resolves after `close()`. */
  readonly ended: Promise<void>;
  close(): void;
}

/** Open Control.Session on `client` and carry its bytes to and from `socket`. */
export function bridgeSession(client: Client, socket: string, headers: SessionHeaders, methods: readonly string[]): Bridge {
  const md = new Metadata();
  md.set("x-docker-expose-session-uuid", headers.id);
  md.set("x-docker-expose-session-name", headers.name);
  md.set("x-docker-expose-session-sharedkey", headers.sharedKey);
  for (const m of methods) md.add("x-docker-expose-session-grpc-method", m);

  const call: ClientDuplexStream<Buffer, Buffer> = client.makeBidiStreamRequest(
    "/moby.buildkit.v1.Control/Session",
    (data: Buffer) => Buffer.from(toBinary(BytesMessageSchema, create(BytesMessageSchema, { data }))),
    (buf: Buffer) => Buffer.from(fromBinary(BytesMessageSchema, buf).data),
    md,
  );
  const conn = connect(socket);
  let closing = false;
  let onReady: { resolve(): void; reject(e: Error): void } | undefined;
  let onEnded: { resolve(): void; reject(e: Error): void } | undefined;
  const ready = new Promise<void>((resolve, reject) => (onReady = { resolve, reject }));
  const ended = new Promise<void>((resolve, reject) => (onEnded = { resolve, reject }));
  ready.catch(() => {});
  ended.catch(() => {});

  const timer = setTimeout(() => fail(new Error(`BuildKit did not open the session within ${ATTACH_TIMEOUT_MS / 1000} s`)), ATTACH_TIMEOUT_MS);
  timer.unref();

  function fail(err: Error): void {
    clearTimeout(timer);
    onReady?.reject(err);
    if (closing) onEnded?.resolve();
    else onEnded?.reject(err);
    conn.destroy();
    call.cancel();
  }

  call.on("data", (data: Buffer) => {
    clearTimeout(timer);
    onReady?.resolve();
    if (!conn.write(data)) {
      call.pause();
      conn.once("drain", () => call.resume());
    }
  });
  conn.on("data", (chunk: Buffer) => {
    if (!call.write(chunk)) {
      conn.pause();
      call.once("drain", () => conn.resume());
    }
  });
  call.on("error", (err: Error & { code?: number; details?: string }) => {
    if (closing && err.code === status.CANCELLED) return fail(err);
    fail(new Error(`BuildKit session ended: ${err.details ?? err.message}`));
  });
  call.on("end", () => fail(new Error("BuildKit closed the session")));
  conn.on("error", (err) => fail(new Error(`session bridge: ${err.message}`)));
  conn.on("close", () => fail(new Error("the session's local server closed")));

  return {
    ready,
    ended,
    close() {
      closing = true;
      call.end();
      fail(new Error("closed"));
    },
  };
}
