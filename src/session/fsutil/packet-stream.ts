/** A two-way stream of fsutil packets: a gRPC call in the session, an in-memory pair in tests. */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { type Packet, PacketSchema } from "../../gen/fsutil/wire_pb.js";

export interface PacketStream {
  /** Resolves when the packet is handed on (after backpressure). */
  send(packet: Packet): Promise<void>;
  /** The peer's packets; ends when the peer closes its side. */
  readonly incoming: AsyncIterable<Packet>;
}

export const packet = (init: MessageInitShape<typeof PacketSchema>): Packet => create(PacketSchema, init);

/**
 * Two connected in-memory ends with unbounded queues: what one sends, the
 * other receives. `close()` on an end ends the other's `incoming`.
 */
export function packetPair(): [PacketStream & { close(): void }, PacketStream & { close(): void }] {
  const a = queue<Packet>();
  const b = queue<Packet>();
  return [
    { send: async (p) => b.push(p), incoming: a.iterable, close: () => b.end() },
    { send: async (p) => a.push(p), incoming: b.iterable, close: () => a.end() },
  ];
}

/** An unbounded async queue: push and end on one side, iterate on the other. */
export function queue<T>(): { push(item: T): void; end(): void; iterable: AsyncIterable<T> } {
  const items: T[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  return {
    push(item) {
      items.push(item);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    iterable: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const item = items.shift();
          if (item !== undefined) {
            yield item;
            continue;
          }
          if (ended) return;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      },
    },
  };
}
