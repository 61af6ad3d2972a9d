/**
 * moby.filesync.v1.FileSend/DiffCopy: BuildKit sends an exporter's output.
 * The `buildkit-attachable-exporter-id` header names the exporter by its
 * index in the solve request; a local output arrives as an fsutil transfer,
 * the others as raw bytes of one file, ended by BuildKit closing its side.
 */
import { once } from "node:events";
import type { Writable } from "node:stream";
import { status } from "@grpc/grpc-js";
import { FileSend } from "../gen/session/filesync_pb.js";
import { incoming, packetCall } from "./call-stream.js";
import { receiveTree } from "./fsutil/receive.js";
import { type ServedMethod, StatusError, header, rawBidi } from "./grpc-service.js";
import type { ReceivedOutput } from "./outputs.js";
import { fromBinary } from "@bufbuild/protobuf";
import { BytesMessageSchema } from "../gen/session/filesync_pb.js";

export function fileSend(outputs: ReadonlyMap<number, ReceivedOutput>): ServedMethod {
  const path = `/${FileSend.typeName}/${FileSend.method.diffCopy.name}`;
  return rawBidi(path, async (call) => {
    const raw = header(call.metadata, "buildkit-attachable-exporter-id");
    const id = raw === "" ? 0 : Number.parseInt(raw, 10);
    const output = outputs.get(id);
    if (output === undefined) throw new StatusError(status.NOT_FOUND, `exporter ${raw || 0} has no output on this client`);
    try {
      if (output.isDir) await receiveTree(packetCall(call), await output.start());
      else await receiveFile(incoming(call), await output.sink());
      output.settle();
    } catch (err) {
      output.settle(err);
      throw err;
    }
  });
}

/**
 * Write every BytesMessage's data to the sink; resolves once it is flushed.
 * A sink that fails (stdout's pipe closed by its reader) fails the transfer.
 */
async function receiveFile(messages: AsyncIterable<Buffer>, sink: { stream: Writable; close: boolean }): Promise<void> {
  const out = sink.stream;
  let broken: Error | undefined;
  const onError = (err: Error) => void (broken ??= sinkError(err));
  out.on("error", onError);
  try {
    for await (const b of messages) {
      if (broken) throw broken;
      const { data } = fromBinary(BytesMessageSchema, b);
      if (data.length > 0 && !out.write(data)) await once(out, "drain");
    }
    await new Promise<void>((resolve, reject) => {
      const flushed = (err?: Error | null) => (err || broken ? reject(broken ?? sinkError(err)) : resolve());
      if (sink.close) out.end(flushed);
      else out.write(new Uint8Array(0), flushed);
    });
  } catch (err) {
    if (sink.close) out.destroy();
    throw broken ?? (err instanceof Error ? sinkError(err) : err);
  } finally {
    out.off("error", onError);
  }
}

/** A closed pipe said in the user's terms. */
function sinkError(err: unknown): Error {
  if ((err as NodeJS.ErrnoException | undefined)?.code === "EPIPE") return new Error("the archive's reader closed the pipe before the end (EPIPE)");
  return err instanceof Error ? err : new Error(String(err));
}
