/** A unary gRPC client for a protobuf-es service, running on @grpc/grpc-js. */
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import { Client, credentials, status, type ServiceError } from "@grpc/grpc-js";

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

/** Per-call options: `timeoutMs` is the call's deadline; without it the call may wait as long as the server takes. */
export interface CallOptions {
  readonly timeoutMs?: number | undefined;
}

/** Typed unary calls: `call("ping", {}, { timeoutMs: 60_000 })`. */
export type UnaryCaller<S extends GenServiceMethods> = <K extends keyof UnaryMethods<S> & string>(
  method: K,
  request: MessageInitShape<S[K]["input"]>,
  options?: CallOptions,
) => Promise<MessageShape<S[K]["output"]>>;

/** Connect to `target` and return a typed caller plus a close function. */
export function unaryClient<S extends GenServiceMethods>(
  service: GenService<S>,
  target: string,
): { call: UnaryCaller<S>; close: () => void } {
  const client = new Client(target, credentials.createInsecure(), {
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    // The bridged connection cannot be re-dialled: never let it idle out.
    "grpc.client_idle_timeout_ms": 2 ** 31 - 1,
  });
  const call = (<K extends string>(name: K, request: MessageInitShape<DescMessage>, options: CallOptions = {}) => {
    const method = service.method[name as keyof S];
    if (method === undefined) throw new Error(`unknown method ${name}`);
    const path = `/${service.typeName}/${method.name}`;
    const input = method.input as DescMessage;
    const output = method.output as DescMessage;
    const { timeoutMs } = options;
    return new Promise<MessageShape<DescMessage>>((resolve, reject) => {
      client.makeUnaryRequest(
        path,
        (msg: MessageShape<DescMessage>) => Buffer.from(toBinary(input, msg)),
        (buf: Buffer) => fromBinary(output, buf),
        create(input, request),
        timeoutMs === undefined ? {} : { deadline: Date.now() + timeoutMs },
        (err: ServiceError | null, res?: MessageShape<DescMessage>) => {
          if (err) {
            const ours = err.code === status.DEADLINE_EXCEEDED && timeoutMs !== undefined;
            reject(new RpcError(method.name, err.code, ours ? `no answer within ${formatMs(timeoutMs)}` : err.details || err.message));
          } else if (res === undefined) reject(new RpcError(method.name, status.INTERNAL, "empty response"));
          else resolve(res);
        },
      );
    });
  }) as unknown as UnaryCaller<S>;
  return { call, close: () => client.close() };
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
