/** An in-process slimgo serve stand-in on 127.0.0.1: records what clients send, answers from a script. */
import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { Server, ServerCredentials, type ServiceDefinition, type UntypedHandleCall, status } from "@grpc/grpc-js";
import { extract } from "tar-stream";
import { type Build, type BuildEvent, BuildSchema, Builds, type SubmitRequest } from "../../src/gen/slimgo/v1/builds_pb.js";

export interface Recorded {
  auth: string[];
  args: string[][];
  git: { url: string; ref: string }[];
  /** The spec sent with the options (`-f -`), per submission; "" for none. */
  specs: string[];
  /** Names of the uploaded tar's entries, per submission, with "->target" for links. */
  contexts: string[][];
  cancelled: string[];
}

export interface Script {
  /** The token the server accepts; any other (or none) gets UNAUTHENTICATED. */
  token: string;
  /** The events Watch sends for a build. */
  events?: (id: string) => BuildEvent[];
  /** Builds the tenant owns, for Get and List. */
  builds?: Build[];
}

export async function startFakeBuilds(script: Script): Promise<{ url: string; recorded: Recorded; stop(): Promise<void> }> {
  const recorded: Recorded = { auth: [], args: [], git: [], specs: [], contexts: [], cancelled: [] };
  const builds = new Map((script.builds ?? []).map((b) => [b.id, b]));
  let next = 1;
  const authorised = (md: { get(k: string): unknown[] }) => {
    const auth = String(md.get("authorization")[0] ?? "");
    recorded.auth.push(auth);
    return auth === `Bearer ${script.token}`;
  };
  const unauth = { code: status.UNAUTHENTICATED, details: "missing or unknown bearer token" };
  const handlers: Record<string, UntypedHandleCall> = {
    Submit: (call: any, cb: any) => {
      if (!authorised(call.metadata)) return cb(unauth);
      const parts: Buffer[] = [];
      let first: SubmitRequest | undefined;
      call.on("data", (m: SubmitRequest) => {
        if (m.part.case === "options") {
          first = m;
          recorded.args.push([...m.part.value.args]);
          recorded.specs.push(Buffer.from(m.part.value.spec).toString());
          if (m.part.value.git) recorded.git.push({ url: m.part.value.git.url, ref: m.part.value.git.ref });
        } else if (m.part.case === "context") parts.push(Buffer.from(m.part.value));
      });
      call.on("end", async () => {
        if (first === undefined) return cb({ code: status.INVALID_ARGUMENT, details: "no options" });
        if (parts.length > 0) recorded.contexts.push(await tarNames(Buffer.concat(parts)));
        cb(null, { $typeName: "slimgo.v1.SubmitResponse", id: `b${next++}` });
      });
    },
    Watch: (call: any) => {
      if (!authorised(call.metadata)) return call.destroy(Object.assign(new Error(unauth.details), unauth));
      for (const e of script.events?.(call.request.id) ?? []) call.write(e);
      call.end();
    },
    Cancel: (call: any, cb: any) => {
      if (!authorised(call.metadata)) return cb(unauth);
      recorded.cancelled.push(call.request.id);
      cb(null, create(BuildSchema, { id: call.request.id, state: 5 }));
    },
    Get: (call: any, cb: any) => {
      if (!authorised(call.metadata)) return cb(unauth);
      const b = builds.get(call.request.id);
      b ? cb(null, b) : cb({ code: status.NOT_FOUND, details: `no build ${call.request.id}` });
    },
    List: (call: any, cb: any) => (authorised(call.metadata) ? cb(null, { $typeName: "slimgo.v1.ListResponse", builds: [...builds.values()] }) : cb(unauth)),
    Nodes: (call: any, cb: any) => (authorised(call.metadata) ? cb(null, { $typeName: "slimgo.v1.NodesResponse", nodes: [] }) : cb(unauth)),
  };
  const server = new Server();
  server.addService(definition(), handlers);
  const port = await new Promise<number>((ok, fail) => server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (e, p) => (e ? fail(e) : ok(p))));
  return { url: `tcp://127.0.0.1:${port}`, recorded, stop: () => new Promise((ok) => server.tryShutdown(() => ok())) };
}

/** grpc-js's service definition for Builds, with protobuf-es doing the (de)serialising. */
function definition(): ServiceDefinition {
  const def: Record<string, unknown> = {};
  for (const m of Builds.methods) {
    const input = m.input as DescMessage;
    const output = m.output as DescMessage;
    def[m.name] = {
      path: `/${Builds.typeName}/${m.name}`,
      requestStream: m.methodKind === "client_streaming" || m.methodKind === "bidi_streaming",
      responseStream: m.methodKind === "server_streaming" || m.methodKind === "bidi_streaming",
      requestSerialize: (x: MessageShape<DescMessage>) => Buffer.from(toBinary(input, x)),
      requestDeserialize: (b: Buffer) => fromBinary(input, b),
      responseSerialize: (x: MessageShape<DescMessage>) => Buffer.from(toBinary(output, create(output, x))),
      responseDeserialize: (b: Buffer) => fromBinary(output, b),
    };
  }
  return def as ServiceDefinition;
}

async function tarNames(tar: Buffer): Promise<string[]> {
  const names: string[] = [];
  const ex = extract();
  const done = new Promise<void>((ok, fail) => {
    ex.on("entry", (h, stream, next) => {
      names.push(h.linkname ? `${h.name}->${h.linkname}` : h.type === "directory" ? `${h.name}/` : h.name);
      stream.on("end", next);
      stream.resume();
    });
    ex.on("finish", ok);
    ex.on("error", fail);
  });
  ex.end(tar);
  await done;
  return names;
}
