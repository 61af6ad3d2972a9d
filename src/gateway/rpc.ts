/** Unary and server-streaming gRPC calls for a protobuf-es service, running on @grpc/grpc-js. */
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import { Client, type ChannelCredentials, Metadata, credentials, status, type ServiceError } from "@grpc/grpc-js";

/** Messages above grpc-js's 4 MiB default: Solve refs and ReadFile data can be large. BuildKit ≥ 0.14 allows 16 MiB. */
const MAX_MESSAGE_BYTES = 16 << 20;

/** A gRPC failure with the status code and the method that failed. */
export class RpcError extends Error {
  override name = "RpcError";
  constructor(
    readonly method: string,
    readonly code: number,
    readonly details: string,
  ) {
    super(`${method}: ${status[code] ?? code}: ${details}`);
  }
}

type UnaryMethods<S extends GenServiceMethods> = {
  [K in keyof S as S[K]["methodKind"] extends "unary" ? K : never]: S[K];
};

type StreamMethods<S extends GenServiceMethods> = {
  [K in keyof S as S[K]["methodKind"] extends "server_streaming" ? K : never]: S[K];
};

/** Typed unary calls: `call("ping", {}, { timeoutMs: 60_000 })`. */
export type UnaryCaller<S extends GenServiceMethods> = <K extends keyof UnaryMethods<S> & string>(
  method: K,
  request: MessageInitShape<S[K]["input"]>,
  opts?: CallOptions,
) => Promise<MessageShape<S[K]["output"]>>;

export interface CallOptions {
  /** The call's deadline; without it the call may wait as long as the server takes. */
  readonly timeoutMs?: number | undefined;
  /** Cancels the call: it then rejects with code CANCELLED. */
  readonly signal?: AbortSignal;
}

/** A grpc-js client (one channel) with the message limits BuildKit needs. */
export function grpcClient(target: string, creds: ChannelCredentials = credentials.createInsecure(), extra: Record<string, string | number> = {}): Client {
  return new Client(target, creds, {
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    // A bridged connection cannot be re-dialled: never let it idle out.
    "grpc.client_idle_timeout_ms": 2 ** 31 - 1,
    ...extra,
  });
}

function methodOf<S extends GenServiceMethods>(service: GenService<S>, name: string) {
  const method = service.method[name as keyof S];
  if (method === undefined) throw new Error(`unknown method ${name}`);
  return { path: `/${service.typeName}/${method.name}`, name: method.name, input: method.input as DescMessage, output: method.output as DescMessage };
}

function metadataOf(headers: Readonly<Record<string, string>>): Metadata {
  const md = new Metadata();
  for (const [k, v] of Object.entries(headers)) md.set(k, v);
  return md;
}

/** Typed unary calls on `client`, each carrying `headers` as gRPC metadata. */
export function unaryCaller<S extends GenServiceMethods>(service: GenService<S>, client: Client, headers: Readonly<Record<string, string>> = {}): UnaryCaller<S> {
  return (<K extends string>(name: K, request: MessageInitShape<DescMessage>, opts: CallOptions = {}) => {
    const m = methodOf(service, name);
    const { timeoutMs } = opts;
    return new Promise<MessageShape<DescMessage>>((resolve, reject) => {
      const call = client.makeUnaryRequest(
        m.path,
        (msg: MessageShape<DescMessage>) => Buffer.from(toBinary(m.input, msg)),
        (buf: Buffer) => fromBinary(m.output, buf),
        create(m.input, request),
        metadataOf(headers),
        timeoutMs === undefined ? {} : { deadline: Date.now() + timeoutMs },
        (err: ServiceError | null, res?: MessageShape<DescMessage>) => {
          opts.signal?.removeEventListener("abort", cancel);
          if (err) {
            const ours = err.code === status.DEADLINE_EXCEEDED && timeoutMs !== undefined;
            reject(new RpcError(m.name, err.code, ours ? `no answer within ${formatMs(timeoutMs)}` : err.details || err.message));
          } else if (res === undefined) reject(new RpcError(m.name, status.INTERNAL, "empty response"));
          else resolve(res);
        },
      );
      const cancel = () => call.cancel();
      if (opts.signal?.aborted) cancel();
      else opts.signal?.addEventListener("abort", cancel, { once: true });
    });
  }) as unknown as UnaryCaller<S>;
}

/**
 * A server-streaming call: `onMessage` sees each message in order; the
 * promise resolves at the end of the stream and rejects with an RpcError.
 */
export function serverStream<S extends GenServiceMethods, K extends keyof StreamMethods<S> & string>(
  service: GenService<S>,
  client: Client,
  name: K,
  request: MessageInitShape<S[K]["input"]>,
  onMessage: (msg: MessageShape<S[K]["output"]>) => void,
  opts: CallOptions = {},
  headers: Readonly<Record<string, string>> = {},
): Promise<void> {
  const m = methodOf(service, name);
  return new Promise<void>((resolve, reject) => {
    const call = client.makeServerStreamRequest(
      m.path,
      (msg: MessageShape<DescMessage>) => Buffer.from(toBinary(m.input, msg)),
      (buf: Buffer) => fromBinary(m.output, buf),
      create(m.input, request as MessageInitShape<DescMessage>),
      metadataOf(headers),
    );
    const cancel = () => call.cancel();
    call.on("data", (msg: MessageShape<S[K]["output"]>) => onMessage(msg));
    call.on("error", (err: ServiceError) => {
      opts.signal?.removeEventListener("abort", cancel);
      reject(new RpcError(m.name, err.code, err.details || err.message));
    });
    call.on("end", () => {
      opts.signal?.removeEventListener("abort", cancel);
      resolve();
    });
    if (opts.signal?.aborted) cancel();
    else opts.signal?.addEventListener("abort", cancel, { once: true });
  });
}

/** Connect to `target` and return a typed caller plus a close function. */
export function unaryClient<S extends GenServiceMethods>(service: GenService<S>, target: string): { call: UnaryCaller<S>; close: () => void } {
  const client = grpcClient(target);
  return { call: unaryCaller(service, client), close: () => client.close() };
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
