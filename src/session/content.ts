/**
 * containerd.services.content.v1.Content on the session: BuildKit reads and
 * writes a local cache directory (`--cache-from type=local,src=DIR`,
 * `--cache-to type=local,dest=DIR`) through it, choosing the directory with
 * the buildkit-attachable-store-id header ("local:" + the path it was sent).
 * Write follows containerd's streaming protocol: STAT to negotiate, WRITE at
 * the current offset, COMMIT with the expected size and digest.
 */
import type { Metadata } from "@grpc/grpc-js";
import { status } from "@grpc/grpc-js";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Content, WriteAction, type WriteContentResponseSchema } from "../gen/containerd/content_pb.js";
import { incoming } from "./call-stream.js";
import { type BlobInfo, type IngestStatus, type IngestWriter, type LocalContentStore, parseDigest } from "./content-store.js";
import { type ServedMethod, StatusError, bidi, header, serverStream, unary, write } from "./grpc-service.js";

export const STORE_ID_HEADER = "buildkit-attachable-store-id";

export function contentService(stores: ReadonlyMap<string, LocalContentStore>): ServedMethod[] {
  const choose = (md: Metadata): LocalContentStore => {
    const id = header(md, STORE_ID_HEADER);
    if (id === "") throw new StatusError(status.INVALID_ARGUMENT, `request lacks metadata "${STORE_ID_HEADER}"`);
    const store = stores.get(id);
    if (store === undefined) throw new StatusError(status.NOT_FOUND, `unknown store ${id}`);
    return store;
  };
  const m = Content.method;
  return [
    unary(m.info, async (req, md) => ({ info: infoMessage(await choose(md).info(req.digest)) })),
    // A local directory keeps no labels: the update is answered with the blob as it is.
    unary(m.update, async (req, md) => ({ info: infoMessage(await choose(md).info(req.info?.digest ?? "")) })),
    unary(m.delete, async (req, md) => {
      await choose(md).delete(req.digest);
      return {};
    }),
    serverStream(m.read, async (req, md, send) => {
      parseDigest(req.digest);
      await choose(md).read(req.digest, Number(req.offset), Number(req.size), (offset, data) => send({ offset: BigInt(offset), data }));
    }),
    unary(m.status, async (req, md) => ({ status: statusMessage(choose(md).status(req.ref)) })),
    // Filters are containerd's filter syntax; a session's store holds only this build's writes, so all are listed.
    unary(m.listStatuses, async (_req, md) => ({ statuses: choose(md).statuses().map(statusMessage) })),
    unary(m.abort, async (req, md) => {
      await choose(md).abort(req.ref);
      return {};
    }),
    bidi(m.write, async (call, io) => {
      const store = choose(call.metadata);
      let writer: IngestWriter | undefined;
      try {
        for await (const raw of incoming(call)) {
          const req = io.decode(raw);
          writer ??= await open(store, req.ref, Number(req.total), req.expected);
          const ws = writer.status();
          let offset = ws.offset;
          const total = req.total > 0n ? Number(req.total) : ws.total;
          if (req.expected !== "" && (await store.has(req.expected))) {
            await writer.close();
            await store.abort(ws.ref).catch(() => {});
            throw new StatusError(status.ALREADY_EXISTS, `blob with expected digest ${req.expected} exists`);
          }
          const reply: MessageInitShape<typeof WriteContentResponseSchema> = { action: req.action };
          if (req.action === WriteAction.STAT) {
            reply.digest = writer.digest();
            reply.startedAt = timestampFromDate(ws.startedAt);
            reply.updatedAt = timestampFromDate(ws.updatedAt);
            reply.total = BigInt(total);
          } else {
            if (req.offset > 0n && Number(req.offset) !== offset) throw new StatusError(status.OUT_OF_RANGE, `write @${req.offset} must occur at current offset ${offset}`);
            if (req.offset === 0n && offset > 0) {
              await writer.truncate();
              offset = 0;
            }
            if (req.data.length > 0) {
              await writer.write(req.data);
              offset += req.data.length;
            }
            reply.digest = req.action === WriteAction.COMMIT ? await writer.commit(total, req.expected || ws.expected) : writer.digest();
          }
          reply.offset = BigInt(offset);
          await write(call, io.encode(reply));
          if (req.action === WriteAction.COMMIT) return;
        }
      } finally {
        await writer?.close().catch(() => {});
      }
    }),
  ];
}

async function open(store: LocalContentStore, ref: string, total: number, expected: string): Promise<IngestWriter> {
  if (ref === "") throw new StatusError(status.INVALID_ARGUMENT, "first message must have a reference");
  return store.openWriter(ref, total, expected);
}

function infoMessage(info: BlobInfo) {
  return { digest: info.digest, size: BigInt(info.size), createdAt: timestampFromDate(info.createdAt), updatedAt: timestampFromDate(info.updatedAt) };
}

function statusMessage(s: IngestStatus) {
  return { ref: s.ref, offset: BigInt(s.offset), total: BigInt(s.total), expected: s.expected, startedAt: timestampFromDate(s.startedAt), updatedAt: timestampFromDate(s.updatedAt) };
}
