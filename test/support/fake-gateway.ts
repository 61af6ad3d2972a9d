/**
 * An in-process LLBBridge server that plays BuildKit's side of the gateway:
 * it serves gRPC over a stream pair, as buildkitd does over a frontend's
 * stdin/stdout, so tests can drive the real client and the real frontend.
 */
import { Duplex, PassThrough, type Readable, type Writable } from "node:stream";
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import {
  Server,
  ServerCredentials,
  status,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
  type sendUnaryData,
} from "@grpc/grpc-js";
import { LLBBridge } from "../../src/gen/gateway/gateway_pb.js";
import { Gateway } from "../../src/gateway/llb-bridge.js";

type Methods = (typeof LLBBridge)["method"];
/** Handlers for the RPCs a test cares about; the rest answer Unimplemented. */
export type FakeHandlers = {
  [K in keyof Methods]?: (req: MessageShape<Methods[K]["input"]>) => MessageInitShape<Methods[K]["output"]> | Promise<MessageInitShape<Methods[K]["output"]>>;
};

/** Thrown by a handler to answer with a gRPC status code. */
export class FakeStatus extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface FakeGateway {
  /** Serve one connection whose bytes arrive on `fromClient` and leave on `toClient`. */
  serve(fromClient: Readable, toClient: Writable): void;
  /** Every request received, in order, as [method, message]. */
  readonly calls: Array<[string, unknown]>;
  close(): void;
}

export function fakeGateway(handlers: FakeHandlers): FakeGateway {
  const calls: Array<[string, unknown]> = [];
  const definition: Record<string, ServiceDefinition[string]> = {};
  const impl: UntypedServiceImplementation = {};
  for (const [key, method] of Object.entries(LLBBridge.method)) {
    const input = method.input as DescMessage;
    const output = method.output as DescMessage;
    definition[method.name] = {
      path: `/${LLBBridge.typeName}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (m: MessageShape<DescMessage>) => Buffer.from(toBinary(input, m)),
      requestDeserialize: (b: Buffer) => fromBinary(input, b),
      responseSerialize: (m: MessageShape<DescMessage>) => Buffer.from(toBinary(output, m)),
      responseDeserialize: (b: Buffer) => fromBinary(output, b),
    };
    impl[method.name] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      calls.push([method.name, call.request]);
      const handler = (handlers as Record<string, ((r: unknown) => unknown) | undefined>)[key];
      if (handler === undefined) {
        callback({ code: status.UNIMPLEMENTED, details: `${method.name} not implemented by the fake gateway` });
        return;
      }
      Promise.resolve()
        .then(() => handler(call.request))
        .then(
          (res) => callback(null, create(output, res as MessageInitShape<DescMessage>)),
          (err: unknown) =>
            callback({
              code: err instanceof FakeStatus ? err.code : status.UNKNOWN,
              details: err instanceof Error ? err.message : String(err),
            }),
        );
    };
  }
  const server = new Server();
  server.addService(definition, impl);
  const injector = server.createConnectionInjector(ServerCredentials.createInsecure());
  const connections: Duplex[] = [];
  return {
    calls,
    serve(fromClient, toClient) {
      const conn = Duplex.from({ readable: fromClient, writable: toClient });
      connections.push(conn);
      injector.injectConnection(conn);
    },
    close() {
      // Only tear down the streams: shutting the server down writes a GOAWAY,
      // and writing to a pipe whose reader has exited, while an earlier write
      // is still pending, trips an internal assertion in Node's JS stream socket.
      for (const conn of connections) conn.destroy();
    },
  };
}

/** A Gateway client wired to a fake server through two pipes, as stdin/stdout would be. */
export async function connectFake(handlers: FakeHandlers): Promise<{ server: FakeGateway; gw: Gateway; fromFrontend: PassThrough }> {
  const server = fakeGateway(handlers);
  const toFrontend = new PassThrough(); // the frontend's stdin
  const fromFrontend = new PassThrough(); // the frontend's stdout
  server.serve(fromFrontend, toFrontend);
  const gw = await Gateway.overStdio(toFrontend, fromFrontend);
  return { server, gw, fromFrontend };
}
