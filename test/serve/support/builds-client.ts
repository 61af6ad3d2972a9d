/** A bare slimgo.v1.Builds client for the service's tests. */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type ChannelCredentials, Metadata, credentials, type Client, type ServiceError } from "@grpc/grpc-js";
import { Builds, type BuildEvent, BuildEventSchema, SubmitRequestSchema, SubmitResponseSchema, WatchRequestSchema } from "../../../src/gen/slimgo/v1/builds_pb.js";
import { grpcClient, unaryCaller } from "../../../src/gateway/rpc.js";

export interface BuildsClient {
  readonly client: Client;
  readonly call: ReturnType<typeof unaryCaller<(typeof Builds)["method"]>>;
  /** Submit with `args`, then the chunks; `stopAfter` cancels the call after that many chunks (a client going away). */
  submit(args: string[], chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, stopAfter?: number, git?: { url: string; ref: string }, spec?: Uint8Array): Promise<string>;
  watch(id: string): Promise<BuildEvent[]>;
  close(): void;
}

export function buildsClient(address: string, token?: string, creds: ChannelCredentials = credentials.createInsecure()): BuildsClient {
  const client = grpcClient(address, creds);
  const headers: Record<string, string> = token !== undefined ? { authorization: `Bearer ${token}` } : {};
  const metadata = () => {
    const m = new Metadata();
    for (const [k, v] of Object.entries(headers)) m.set(k, v);
    return m;
  };
  const call = unaryCaller(Builds, client, headers);
  return {
    client,
    call,
    async submit(args, chunks, stopAfter, git, spec) {
      return new Promise<string>((resolve, reject) => {
        const stream = client.makeClientStreamRequest(
          "/slimgo.v1.Builds/Submit",
          (m: Parameters<typeof toBinary<typeof SubmitRequestSchema>>[1]) => Buffer.from(toBinary(SubmitRequestSchema, m)),
          (b: Buffer) => fromBinary(SubmitResponseSchema, b),
          metadata(),
          (err: ServiceError | null, res?: { id: string }) => (err ? reject(err) : resolve(res?.id ?? "")),
        );
        (async () => {
          stream.write(create(SubmitRequestSchema, { part: { case: "options", value: { args, ...(git ? { git } : {}), ...(spec ? { spec } : {}) } } }));
          let n = 0;
          for await (const c of chunks) {
            if (stopAfter !== undefined && n++ >= stopAfter) {
              stream.cancel();
              return;
            }
            if (!stream.write(create(SubmitRequestSchema, { part: { case: "context", value: c } }))) await new Promise((r) => stream.once("drain", r));
          }
          stream.end();
        })().catch(reject);
      });
    },
    watch(id) {
      return new Promise<BuildEvent[]>((resolve, reject) => {
        const events: BuildEvent[] = [];
        const stream = client.makeServerStreamRequest(
          "/slimgo.v1.Builds/Watch",
          (m: Parameters<typeof toBinary<typeof WatchRequestSchema>>[1]) => Buffer.from(toBinary(WatchRequestSchema, m)),
          (b: Buffer) => fromBinary(BuildEventSchema, b),
          create(WatchRequestSchema, { id }),
          metadata(),
        );
        stream.on("data", (e: BuildEvent) => events.push(e));
        stream.on("error", reject);
        stream.on("end", () => resolve(events));
      });
    },
    close: () => client.close(),
  };
}
