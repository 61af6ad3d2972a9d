/**
 * The sending side of fsutil's transfer (FileSync.DiffCopy, where the client
 * sends its directories): one STAT per entry in walk order, then an empty
 * STAT; each regular file is numbered by its position in that sequence and
 * the receiver asks for it with REQ id, answered by DATA chunks of at most
 * 32 KiB and an empty DATA; the receiver's FIN is answered with FIN.
 */
import { open } from "node:fs/promises";
import { Packet_PacketType as T } from "../../gen/fsutil/wire_pb.js";
import { isRegularMode } from "./file-mode.js";
import { type PacketStream, packet } from "./packet-stream.js";
import type { WalkEntry } from "./walk.js";

/** fsutil reads files through a 32 KiB buffer: DATA packets are at most this long. */
export const CHUNK_BYTES = 32 * 1024;

/** Send the walked tree; resolves after the FIN exchange, rejects on any error (after telling the peer). */
export async function sendTree(stream: PacketStream, entries: AsyncIterable<WalkEntry>): Promise<void> {
  const files = new Map<number, string>();
  const requests: number[] = [];
  let wake: (() => void) | undefined;
  let finished = false;

  const walk = (async () => {
    let id = 0;
    try {
      for await (const { stat, file } of entries) {
        if (isRegularMode(stat.mode)) files.set(id, file);
        id++;
        await stream.send(packet({ type: T.PACKET_STAT, stat }));
      }
    } catch (err) {
      await stream.send(packet({ type: T.PACKET_ERR, data: Buffer.from(message(err)) })).catch(() => {});
      throw err;
    }
    await stream.send(packet({ type: T.PACKET_STAT }));
  })();

  // Files go out one at a time, in the order asked for.
  const serve = (async () => {
    for (;;) {
      const id = requests.shift();
      if (id === undefined) {
        if (finished) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      await sendFile(stream, id, files.get(id)!);
    }
  })();

  const receive = (async () => {
    try {
      for await (const p of stream.incoming) {
        if (p.type === T.PACKET_ERR) throw new Error(`error from receiver: ${Buffer.from(p.data).toString()}`);
        if (p.type === T.PACKET_REQ) {
          await walkDoneOrHas(p.ID);
          if (!files.has(p.ID)) throw new Error(`invalid file id ${p.ID}`);
          requests.push(p.ID);
          wake?.();
        } else if (p.type === T.PACKET_FIN) {
          return true;
        }
      }
      return false;
    } finally {
      finished = true;
      wake?.();
    }
  })();

  /** A REQ can only name a STAT already sent; wait for the walk if it is still being numbered. */
  async function walkDoneOrHas(id: number): Promise<void> {
    if (!files.has(id)) await walk.catch(() => {});
  }

  const [, fin] = await Promise.all([walk, receive, serve]);
  if (!fin) throw new Error("receiver closed the transfer before FIN");
  await stream.send(packet({ type: T.PACKET_FIN }));
}

async function sendFile(stream: PacketStream, id: number, file: string): Promise<void> {
  // As fsutil: a file that cannot be opened any more goes out empty.
  const handle = await open(file, "r").catch(() => undefined);
  if (handle !== undefined) {
    try {
      for (;;) {
        const buf = Buffer.allocUnsafe(CHUNK_BYTES);
        const { bytesRead } = await handle.read(buf, 0, CHUNK_BYTES, null);
        if (bytesRead === 0) break;
        await stream.send(packet({ type: T.PACKET_DATA, ID: id, data: buf.subarray(0, bytesRead) }));
      }
    } finally {
      await handle.close();
    }
  }
  await stream.send(packet({ type: T.PACKET_DATA, ID: id }));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
