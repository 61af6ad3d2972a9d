/** A client of slimgo serve's Builds API, every call carrying the tenant's bearer token. */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type Client, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import {
  type Build,
  type BuildEvent,
  Builds,
  GitSourceSchema,
  type Node,
  type SubmitRequest,
  SubmitRequestSchema,
  type SubmitResponse,
  SubmitResponseSchema,
} from "../gen/slimgo/v1/builds_pb.js";
import { RpcError, type UnaryCaller, grpcClient, serverStream, unaryCaller } from "../gateway/rpc.js";
import { type ServerAddress, ServerError, type ServerTls, serverCredentials } from "./server-address.js";

/** Context chunks well under grpc-js's 4 MiB default receive limit. */
export const CHUNK_BYTES = 256 << 10;
const STOP = Symbol("stop");
/** Unary calls that get no answer in this long are reported, not waited on. */
const UNARY_TIMEOUT_MS = 30_000;

export interface Upload {
  readonly args: readonly string[];
  /** A git repository BuildKit fetches; without it, `context` is the tar stream. */
  readonly git?: { readonly url: string; readonly ref: string };
  readonly context?: AsyncIterable<Uint8Array>;
  /** The spec read from stdin (`-f -`), sent with the options. */
  readonly spec?: Uint8Array;
}

export class BuildsClient {
  private readonly client: Client;
  private readonly headers: Record<string, string>;
  private readonly call: UnaryCaller<(typeof Builds)["method"]>;

  constructor(
    readonly address: ServerAddress,
    tls: ServerTls,
    token: string | undefined,
  ) {
    this.client = grpcClient(address.target, serverCredentials(address, tls));
    this.headers = token === undefined ? {} : { authorization: `Bearer ${token}` };
    this.call = unaryCaller(Builds, this.client, this.headers);
  }

  close(): void {
    this.client.close();
  }

  /** Sends the options, then the context in order, respecting the stream's backpressure; resolves with the build id. */
  async submit(upload: Upload, signal?: AbortSignal): Promise<string> {
    const method = Builds.method.submit;
    let res!: (r: SubmitResponse) => void;
    let rej!: (e: unknown) => void;
    const answered = new Promise<SubmitResponse>((ok, fail) => ((res = ok), (rej = fail)));
    const stream = this.client.makeClientStreamRequest(
      `/${Builds.typeName}/${method.name}`,
      (m: SubmitRequest) => Buffer.from(toBinary(SubmitRequestSchema, m)),
      (b: Buffer) => fromBinary(SubmitResponseSchema, b),
      this.metadata(),
      {},
      (err: ServiceError | null, out?: SubmitResponse) => (err ? rej(this.explain(new RpcError(method.name, err.code, err.details || err.message))) : out ? res(out) : rej(new ServerError("Submit: empty answer"))),
    );
    const cancel = () => stream.cancel();
    signal?.addEventListener("abort", cancel, { once: true });
    // The service may answer (refuse) before the upload ends, or the caller give up: stop sending then,
    // even while the context source is waiting for more to read.
    const stopped = new Promise<typeof STOP>((ok) => {
      answered.then(() => ok(STOP), () => ok(STOP));
      signal?.addEventListener("abort", () => ok(STOP), { once: true });
    });
    const write = (m: SubmitRequest) =>
      new Promise<void>((ok) => {
        if (stream.write(m)) ok();
        else stream.once("drain", () => ok());
      });
    const pieces = upload.context === undefined ? undefined : chunks(upload.context)[Symbol.asyncIterator]();
    try {
      const git = upload.git === undefined ? {} : { git: create(GitSourceSchema, upload.git) };
      await write(create(SubmitRequestSchema, { part: { case: "options", value: { args: [...upload.args], ...git, ...(upload.spec !== undefined ? { spec: upload.spec } : {}) } } }));
      let ended = pieces === undefined;
      while (pieces !== undefined) {
        const next = await Promise.race([pieces.next(), stopped]);
        if (next === STOP) break;
        if (next.done) {
          ended = true;
          break;
        }
        if ((await Promise.race([write(create(SubmitRequestSchema, { part: { case: "context", value: next.value } })), stopped])) === STOP) break;
      }
      if (ended && !signal?.aborted) stream.end();
      else if (signal?.aborted) stream.cancel();
      return (await answered).id;
    } catch (e) {
      stream.cancel();
      throw e;
    } finally {
      signal?.removeEventListener("abort", cancel);
      // Stop reading the context (a tar walk of the directory) without waiting on it.
      void pieces?.return?.(undefined).catch(() => undefined);
    }
  }

  /** Every event of the build (its history first) until it ends. */
  async watch(id: string, onEvent: (e: BuildEvent) => void, signal?: AbortSignal): Promise<void> {
    try {
      await serverStream(Builds, this.client, "watch", { id }, onEvent, signal ? { signal } : {}, this.headers);
    } catch (e) {
      throw this.explain(e, id);
    }
  }

  async get(id: string): Promise<Build> {
    return this.unary(() => this.call("get", { id }, { timeoutMs: UNARY_TIMEOUT_MS }), id);
  }

  async cancel(id: string): Promise<Build> {
    return this.unary(() => this.call("cancel", { id }, { timeoutMs: UNARY_TIMEOUT_MS }), id);
  }

  async list(limit: number): Promise<Build[]> {
    return (await this.unary(() => this.call("list", { limit }, { timeoutMs: UNARY_TIMEOUT_MS }))).builds;
  }

  async nodes(): Promise<Node[]> {
    return (await this.unary(() => this.call("nodes", {}, { timeoutMs: UNARY_TIMEOUT_MS }))).nodes;
  }

  private async unary<T>(f: () => Promise<T>, id?: string): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw this.explain(e, id);
    }
  }

  private metadata(): Metadata {
    const md = new Metadata();
    for (const [k, v] of Object.entries(this.headers)) md.set(k, v);
    return md;
  }

  /** The service's refusals as one line with the fix; a cancelled call stays an RpcError. */
  private explain(e: unknown, id?: string): unknown {
    if (!(e instanceof RpcError)) return e;
    const detail = e.details.replace(/\s*\n\s*/g, " ");
    switch (e.code) {
      case status.UNAVAILABLE: {
        // grpc-js wraps the socket error in a sentence; its errno code says it all.
        const why = /\b(E[A-Z]{3,})\b/.exec(detail)?.[1] ?? detail;
        return new ServerError(`cannot reach slimgo serve at ${this.address.url} (${why}): is it running, and is the scheme (tcp:// or tls://) right?`);
      }
      case status.UNAUTHENTICATED:
        return new ServerError(`slimgo serve at ${this.address.url} refused the call (${detail}): set SLIMGO_TOKEN or pass --token-file FILE (or a client certificate)`);
      case status.NOT_FOUND:
      case status.PERMISSION_DENIED:
        return new ServerError(id === undefined ? `${e.method}: ${detail}` : `build ${id}: ${detail || "no such build"}: list your builds with \`slimgo builds list\``);
      case status.CANCELLED:
        return e;
      default:
        return new ServerError(`slimgo serve: ${e.method}: ${status[e.code] ?? e.code}: ${detail}`);
    }
  }
}

/** Re-cut a byte stream into pieces of at most CHUNK_BYTES (tar-stream yields many small ones). */
export async function* chunks(source: AsyncIterable<Uint8Array>, size = CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  let pending: Uint8Array[] = [];
  let length = 0;
  for await (const piece of source) {
    let rest = piece;
    while (rest.length > 0) {
      const take = Math.min(size - length, rest.length);
      pending.push(rest.subarray(0, take));
      length += take;
      rest = rest.subarray(take);
      if (length === size) {
        yield Buffer.concat(pending);
        pending = [];
        length = 0;
      }
    }
  }
  if (length > 0) yield Buffer.concat(pending);
}
