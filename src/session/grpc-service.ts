/**
 * Serving protobuf-es services on @grpc/grpc-js: method definitions built
 * from the generated descriptors, typed handlers, and errors as gRPC statuses.
 */
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import type { DescMethod } from "@bufbuild/protobuf";
import type { Writable } from "node:stream";
import { type Metadata, type ServerDuplexStream, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData, status } from "@grpc/grpc-js";
import type { MethodDefinition, UntypedHandleCall } from "@grpc/grpc-js";

/** An error BuildKit should see with this gRPC code. */
export class StatusError extends Error {
  override name = "StatusError";
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

export interface ServedMethod {
  /** `/package.Service/Method`, as BuildKit calls it and as the session header names it. */
  readonly path: string;
  readonly definition: MethodDefinition<unknown, unknown>;
  readonly handler: UntypedHandleCall;
}

type Method<I extends DescMessage, O extends DescMessage> = DescMethod & { input: I; output: O };

const pathOf = (m: DescMethod) => `/${m.parent.typeName}/${m.name}`;

const codec = <D extends DescMessage>(desc: D) => ({
  serialize: (msg: MessageShape<D>) => Buffer.from(toBinary(desc, msg)),
  deserialize: (buf: Buffer) => fromBinary(desc, buf),
});

/** A method with one request message, replying with one message or a stream of them. */
function requestDefinition<I extends DescMessage>(
  method: Method<I, DescMessage>,
  responseStream: boolean,
  output: { serialize(m: never): Buffer; deserialize(b: Buffer): unknown },
): MethodDefinition<unknown, unknown> {
  const input = codec(method.input);
  return {
    path: pathOf(method),
    requestStream: false,
    responseStream,
    requestSerialize: input.serialize as (v: unknown) => Buffer,
    requestDeserialize: input.deserialize,
    responseSerialize: output.serialize as (v: unknown) => Buffer,
    responseDeserialize: output.deserialize,
  };
}

/** A unary method: the handler's result is the response, a thrown StatusError its status. */
export function unary<I extends DescMessage, O extends DescMessage>(
  method: Method<I, O>,
  handle: (req: MessageShape<I>, metadata: Metadata) => Promise<MessageInitShape<O>>,
): ServedMethod {
  return {
    path: pathOf(method),
    definition: requestDefinition(method, false, codec(method.output)),
    handler: ((call: ServerUnaryCall<MessageShape<I>, MessageShape<O>>, callback: sendUnaryData<MessageShape<O>>) => {
      handle(call.request, call.metadata).then(
        (res) => callback(null, create(method.output, res)),
        (err: unknown) => callback(toStatus(err)),
      );
    }) as UntypedHandleCall,
  };
}

/** A server-streaming method: the handler sends its replies (waiting on backpressure), then the call ends. */
export function serverStream<I extends DescMessage, O extends DescMessage>(
  method: Method<I, O>,
  handle: (req: MessageShape<I>, metadata: Metadata, send: (m: MessageInitShape<O>) => Promise<void>) => Promise<void>,
): ServedMethod {
  const same = (b: Buffer) => b;
  return {
    path: pathOf(method),
    definition: requestDefinition(method, true, { serialize: same, deserialize: same }),
    handler: ((call: ServerWritableStream<MessageShape<I>, Buffer>) => {
      const send = (m: MessageInitShape<O>) => write(call, Buffer.from(toBinary(method.output, create(method.output, m))));
      handle(call.request, call.metadata, send).then(
        () => call.end(),
        (err: unknown) => call.emit("error", toStatus(err)),
      );
    }) as UntypedHandleCall,
  };
}

/**
 * A bidirectional method whose messages are handed over as their raw bytes:
 * FileSend.DiffCopy carries fsutil packets or file bytes depending on the
 * output, and the handler decodes them.
 */
export function rawBidi(path: string, handle: (call: ServerDuplexStream<Buffer, Buffer>) => Promise<void>): ServedMethod {
  const same = (b: Buffer) => b;
  return {
    path,
    definition: {
      path,
      requestStream: true,
      responseStream: true,
      requestSerialize: same as (v: unknown) => Buffer,
      requestDeserialize: same,
      responseSerialize: same as (v: unknown) => Buffer,
      responseDeserialize: same,
    },
    handler: ((call: ServerDuplexStream<Buffer, Buffer>) => {
      handle(call).then(
        () => call.end(),
        (err: unknown) => call.emit("error", toStatus(err)),
      );
    }) as UntypedHandleCall,
  };
}

/** A bidirectional method with typed messages. */
export function bidi<I extends DescMessage, O extends DescMessage>(
  method: Method<I, O>,
  handle: (call: ServerDuplexStream<Buffer, Buffer>, io: { decode(b: Buffer): MessageShape<I>; encode(m: MessageInitShape<O>): Buffer }) => Promise<void>,
): ServedMethod {
  const io = {
    decode: (b: Buffer) => fromBinary(method.input, b),
    encode: (m: MessageInitShape<O>) => Buffer.from(toBinary(method.output, create(method.output, m))),
  };
  return rawBidi(pathOf(method), (call) => handle(call, io));
}

/** Send a buffer on a server stream, waiting when the stream's buffer is full. */
export async function write(call: Writable, data: Buffer): Promise<void> {
  if (call.destroyed || call.writableEnded) throw new Error("the stream is closed");
  if (!call.write(data)) {
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        call.off("drain", done);
        call.off("close", closed);
        resolve();
      };
      const closed = () => {
        call.off("drain", done);
        reject(new Error("the stream closed while sending"));
      };
      call.on("drain", done);
      call.once("close", closed);
    });
  }
}

function toStatus(err: unknown): { code: status; details: string } {
  if (err instanceof StatusError) return { code: err.code, details: err.message };
  return { code: status.UNKNOWN, details: err instanceof Error ? err.message : String(err) };
}

/** Metadata value as text ("" when absent). */
export function header(md: Metadata, key: string): string {
  const v = md.get(key)[0];
  return v === undefined ? "" : typeof v === "string" ? v : v.toString();
}
