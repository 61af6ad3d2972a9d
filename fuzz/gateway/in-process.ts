/**
 * The LLBBridge calls of a Gateway answered in process, without gRPC: the
 * requests and replies still go through protobuf encoding both ways, a reply
 * above the client's 16 MiB limit fails as it would on the wire, a call's
 * deadline is kept as grpc-js keeps it, and a handler may never answer at all.
 */
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { LLBBridge } from "../../src/gen/gateway/gateway_pb.js";
import { Gateway } from "../../src/gateway/llb-bridge.js";
import { type CallOptions, RpcError, type UnaryCaller } from "../../src/gateway/rpc.js";
import { type FakeHandlers, FakeStatus } from "../../test/support/fake-gateway.js";
import { NO_REPLY } from "./replies.js";

const MAX_MESSAGE_BYTES = 16 << 20;
const UNIMPLEMENTED = 12;
const RESOURCE_EXHAUSTED = 8;
const UNKNOWN = 2;
const CANCELLED = 1;
const DEADLINE_EXCEEDED = 4;

export interface InProcess {
  readonly gw: Gateway;
  /** Every call, in order: [method, request]. */
  readonly calls: Array<[string, unknown]>;
  /** Calls that have not been answered (yet). */
  readonly waiting: Set<string>;
}

type Methods = (typeof LLBBridge)["method"];

export function inProcessGateway(handlers: FakeHandlers): InProcess {
  const calls: Array<[string, unknown]> = [];
  const waiting = new Set<string>();
  let seq = 0;
  const call = (async (name: keyof Methods & string, request: MessageInitShape<DescMessage>, opts: CallOptions = {}) => {
    const method = LLBBridge.method[name];
    const input = method.input as DescMessage;
    const output = method.output as DescMessage;
    const req = fromBinary(input, toBinary(input, create(input, request)));
    calls.push([method.name, req]);
    const handler = (handlers as Record<string, ((r: unknown) => unknown) | undefined>)[name];
    if (handler === undefined) throw new RpcError(method.name, UNIMPLEMENTED, `${method.name} not implemented by the fake gateway`);
    const id = `${method.name}#${seq++}`;
    waiting.add(id);
    let res: unknown;
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = handler(req);
      if (answer === NO_REPLY && opts.timeoutMs === undefined) throw new FakeStatus(CANCELLED, "the build was cancelled");
      const deadline =
        opts.timeoutMs === undefined
          ? undefined
          : new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new RpcError(method.name, DEADLINE_EXCEEDED, `no answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
            });
      res = await (deadline ? Promise.race([answer, deadline]) : answer);
    } catch (err) {
      if (err instanceof RpcError) throw err;
      throw new RpcError(method.name, err instanceof FakeStatus ? err.code : UNKNOWN, err instanceof Error ? err.message : String(err));
    } finally {
      clearTimeout(timer);
      waiting.delete(id);
    }
    const wire = toBinary(output, create(output, res as MessageInitShape<DescMessage>));
    if (wire.length > MAX_MESSAGE_BYTES) throw new RpcError(method.name, RESOURCE_EXHAUSTED, `received message larger than max (${wire.length} vs. ${MAX_MESSAGE_BYTES})`);
    return fromBinary(output, wire) as MessageShape<DescMessage>;
  }) as unknown as UnaryCaller<Methods>;
  // The constructor is private to keep callers on overStdio and dial; this is a third transport.
  const construct = Gateway as unknown as new (c: UnaryCaller<Methods>, bridge: undefined, close: () => void) => Gateway;
  return { gw: new construct(call, undefined, () => {}), calls, waiting };
}
