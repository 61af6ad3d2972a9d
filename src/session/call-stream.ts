/**
 * A server call's incoming messages as an async iterable that leaves the call
 * open when the reader stops early (a Readable's own iterator would destroy
 * it, and with it the reply still to be sent), with backpressure: the call is
 * paused while too many messages wait.
 */
import { fromBinary } from "@bufbuild/protobuf";
import type { ServerDuplexStream } from "@grpc/grpc-js";
import { type Packet, PacketSchema } from "../gen/fsutil/wire_pb.js";
import type { PacketStream } from "./fsutil/packet-stream.js";
import { write } from "./grpc-service.js";
import { toBinary } from "@bufbuild/protobuf";

const HIGH_WATER = 64;

export function incoming(call: ServerDuplexStream<Buffer, Buffer>): AsyncIterable<Buffer> {
  const items: Buffer[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const poke = () => wake?.();
  call.on("data", (b: Buffer) => {
    items.push(b);
    if (items.length >= HIGH_WATER) call.pause();
    poke();
  });
  call.on("end", () => {
    ended = true;
    poke();
  });
  call.on("cancelled", () => {
    failure ??= new Error("BuildKit cancelled the transfer");
    poke();
  });
  call.on("error", (err: Error) => {
    failure ??= err;
    poke();
  });
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const item = items.shift();
        if (item !== undefined) {
          if (items.length < HIGH_WATER / 2 && call.isPaused()) call.resume();
          yield item;
          continue;
        }
        if (failure) throw failure;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
  };
}

/** fsutil packets over a raw-bytes server call. */
export function packetCall(call: ServerDuplexStream<Buffer, Buffer>): PacketStream {
  const raw = incoming(call);
  return {
    send: (p: Packet) => write(call, Buffer.from(toBinary(PacketSchema, p))),
    incoming: {
      async *[Symbol.asyncIterator]() {
        for await (const b of raw) yield fromBinary(PacketSchema, b);
      },
    },
  };
}
