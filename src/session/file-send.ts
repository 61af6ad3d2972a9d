/**
 * moby.filesync.v1.FileSend/DiffCopy: BuildKit sends an exporter's output.
 * The `buildkit-attachable-exporter-id` header names the exporter by its
 * index in the solve request; a local output arrives as an fsutil transfer,
 * the others as raw bytes of one file, ended by BuildKit closing its side.
 */
import { createWriteStream } from "node:fs";
import { status } from "@grpc/grpc-js";
import { FileSend } from "../gen/session/filesync_pb.js";
import { incoming, packetCall } from "./call-stream.js";
import { receiveTree } from "./fsutil/receive.js";
import { type ServedMethod, StatusError, header, rawBidi } from "./grpc-service.js";
import type { AtomicOutput } from "./outputs.js";
import { fromBinary } from "@bufbuild/protobuf";
import { BytesMessageSchema } from "../gen/session/filesync_pb.js";

export function fileSend(outputs: ReadonlyMap<number, AtomicOutput>): ServedMethod {
  const path = `/${FileSend.typeName}/${FileSend.method.diffCopy.name}`;
  return rawBidi(path, async (call) => {
    const raw = header(call.metadata, "buildkit-attachable-exporter-id");
    const id = raw === "" ? 0 : Number.parseInt(raw, 10);
    const output = outputs.get(id);
    if (output === undefined) throw new StatusError(status.NOT_FOUND, `exporter ${raw || 0} has no output on this client`);
    try {
      const temp = await output.start();
      if (output.isDir) await receiveTree(packetCall(call), temp);
      else await receiveFile(incoming(call), temp);
      output.settle();
    } catch (err) {
      output.settle(err);
      throw err;
    }
  });
}

/** Append every BytesMessage's data to `file`; resolves once it is flushed. */
async function receiveFile(messages: AsyncIterable<Buffer>, file: string): Promise<void> {
  const out = createWriteStream(file, { flags: "a", mode: 0o644 });
  try {
    for await (const b of messages) {
      const { data } = fromBinary(BytesMessageSchema, b);
      if (data.length > 0 && !out.write(data)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    }
  } catch (err) {
    out.destroy();
    throw err;
  }
  await new Promise<void>((resolve, reject) => out.end(() => resolve()).once("error", reject));
}
