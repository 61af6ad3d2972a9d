/**
 * slimgo.v1.Builds over @grpc/grpc-js, with protobuf-es messages: every call
 * authenticated first, errors as gRPC codes with one-line messages.
 */
import type { PeerCertificate } from "node:tls";
import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import { type Metadata, type ServiceDefinition, type UntypedServiceImplementation, status as grpcStatus, type ServerErrorResponse } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { Builds, type BuildEvent, ListResponseSchema, NodeSchema, NodesResponseSchema, type SubmitRequest, SubmitResponseSchema } from "../gen/slimgo/v1/builds_pb.js";
import type { Authenticator } from "./auth.js";
import type { TenantConfig } from "./config.js";
import { type BuildService, ServeError, toBuild } from "./service.js";

/** Watchers that fall this many events behind are cut off rather than buffered without end. */
const MAX_WATCH_BACKLOG = 10_000;

/** A grpc-js service definition for a protobuf-es service. */
export function serviceDefinition<S extends GenServiceMethods>(service: GenService<S>): ServiceDefinition {
  const def: Record<string, ServiceDefinition[string]> = {};
  for (const m of service.methods) {
    const input = m.input as DescMessage;
    const output = m.output as DescMessage;
    def[m.localName] = {
      path: `/${service.typeName}/${m.name}`,
      requestStream: m.methodKind === "client_streaming" || m.methodKind === "bidi_streaming",
      responseStream: m.methodKind === "server_streaming" || m.methodKind === "bidi_streaming",
      requestSerialize: (msg: MessageShape<DescMessage>) => Buffer.from(toBinary(input, msg)),
      requestDeserialize: (b: Buffer) => fromBinary(input, b),
      responseSerialize: (msg: MessageShape<DescMessage>) => Buffer.from(toBinary(output, msg)),
      responseDeserialize: (b: Buffer) => fromBinary(output, b),
    };
  }
  return def as ServiceDefinition;
}

interface AnyCall {
  readonly metadata: Metadata;
  getAuthContext(): { sslPeerCertificate?: PeerCertificate };
}

function errorOf(err: unknown, log: Logger): Partial<ServerErrorResponse> {
  if (err instanceof ServeError) return { code: err.code, details: err.message };
  const message = err instanceof Error ? err.message : String(err);
  log.error({ error: message }, "internal error");
  return { code: grpcStatus.INTERNAL, details: message.split("\n")[0] ?? "" };
}

export function buildsImplementation(service: BuildService, auth: Authenticator, log: Logger): UntypedServiceImplementation {
  const who = (call: AnyCall): TenantConfig => {
    const t = auth.tenant(call.metadata, call.getAuthContext().sslPeerCertificate);
    if (t === undefined) throw new ServeError(grpcStatus.UNAUTHENTICATED, "no valid credentials: send `authorization: Bearer <token>` (SLIMGO_TOKEN) or a client certificate a tenant lists");
    return t;
  };
  const unary =
    <Req, Res>(fn: (tenant: TenantConfig, req: Req) => Res) =>
    (call: AnyCall & { request: Req }, callback: (err: Partial<ServerErrorResponse> | null, res?: Res) => void) => {
      try {
        callback(null, fn(who(call), call.request));
      } catch (err) {
        callback(errorOf(err, log));
      }
    };

  return {
    submit(call: AnyCall & NodeJS.ReadableStream & { on(ev: string, fn: (...a: unknown[]) => void): unknown }, callback: (err: Partial<ServerErrorResponse> | null, res?: unknown) => void) {
      let tenant: TenantConfig;
      try {
        tenant = who(call);
      } catch (err) {
        call.resume();
        callback(errorOf(err, log));
        return;
      }
      const messages = readMessages<SubmitRequest>(call);
      (async () => {
        const first = await messages.next();
        if (first.done || first.value.part.case !== "options") throw new ServeError(grpcStatus.INVALID_ARGUMENT, "the first message of Submit must hold the build options");
        const options = first.value.part.value;
        const git = options.git !== undefined && options.git.url !== "" ? { url: options.git.url, ref: options.git.ref } : undefined;
        async function* context(): AsyncGenerator<Uint8Array> {
          for await (const m of messages) {
            if (m.part.case !== "context") throw new ServeError(grpcStatus.INVALID_ARGUMENT, "after the options, Submit carries only context chunks");
            yield m.part.value;
          }
        }
        return service.submit(tenant, options.args, git, context(), options.spec.length > 0 ? options.spec : undefined);
      })().then(
        (id) => callback(null, create(SubmitResponseSchema, { id })),
        (err: unknown) => {
          void messages.return(undefined);
          callback(errorOf(err, log));
        },
      );
    },

    watch(call: AnyCall & { request: { id: string }; write(ev: BuildEvent): boolean; end(): void; writableLength: number; on(ev: string, fn: () => void): unknown; destroy(err?: Error): void; emit(ev: string, err: unknown): boolean }) {
      let unsubscribe = () => {};
      let ended = false;
      // The history (bounded by limits.eventsPerBuild) is written in one go; only live events count against the backlog.
      let replaying = true;
      try {
        const tenant = who(call);
        unsubscribe = service.watch(tenant, call.request.id, {
          send(ev) {
            if (ended) return;
            if (!replaying && call.writableLength > MAX_WATCH_BACKLOG) {
              ended = true;
              unsubscribe();
              call.emit("error", { code: grpcStatus.RESOURCE_EXHAUSTED, details: "the watcher fell too far behind: watch again to get the history" });
              return;
            }
            call.write(ev);
          },
          end() {
            if (ended) return;
            ended = true;
            call.end();
          },
        });
        replaying = false;
      } catch (err) {
        ended = true;
        call.emit("error", errorOf(err, log));
        return;
      }
      call.on("cancelled", () => {
        ended = true;
        unsubscribe();
      });
    },

    cancel: unary((tenant, req: { id: string }) => toBuild(service.cancel(tenant, req.id))),
    get: unary((tenant, req: { id: string }) => toBuild(service.get(tenant, req.id))),
    list: unary((tenant, req: { limit: number }) => create(ListResponseSchema, { builds: service.list(tenant, req.limit).map(toBuild) })),
    nodes: unary(() =>
      create(NodesResponseSchema, {
        nodes: service.nodes().map((n) =>
          create(NodeSchema, {
            name: n.config.name,
            addr: n.config.addr,
            platforms: [...n.config.platforms],
            healthy: n.healthy,
            running: n.running.size,
            maxBuilds: n.config.maxBuilds,
            error: n.error,
          }),
        ),
      }),
    ),
  };
}

export const buildsDefinition = (): ServiceDefinition => serviceDefinition(Builds);

/**
 * A client stream's messages as an async iterator, with backpressure; a
 * client that goes away (cancelled) or breaks the stream makes it throw.
 */
function readMessages<T>(call: NodeJS.ReadableStream & { on(ev: string, fn: (...a: unknown[]) => void): unknown }): AsyncGenerator<T> {
  const buffered: T[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  call.on("data", (m) => {
    buffered.push(m as T);
    if (buffered.length >= 8) call.pause();
    notify();
  });
  call.on("end", () => {
    ended = true;
    notify();
  });
  call.on("error", (e) => {
    failure = e instanceof Error ? e : new Error(String(e));
    notify();
  });
  call.on("cancelled", () => {
    failure = new Error("the client went away mid-upload");
    notify();
  });
  return (async function* () {
    for (;;) {
      if (failure !== undefined) throw failure;
      const next = buffered.shift();
      if (next !== undefined) {
        if (buffered.length < 2) call.resume();
        yield next;
        continue;
      }
      if (ended) return;
      await new Promise<void>((r) => (wake = r));
    }
  })();
}
