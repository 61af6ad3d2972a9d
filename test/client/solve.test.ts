/**
 * solveBuild against a fake BuildKit node on a unix socket: Control and
 * LLBBridge on one server, as buildkitd serves them, so the in-process
 * frontend's calls must find their build by the build-id header.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, test } from "node:test";
import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import { Server, ServerCredentials, status, type Metadata, type ServiceDefinition, type UntypedHandleCall, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { pino } from "pino";
import { parseAddress } from "../../src/client/address.js";
import { connect, type Connection } from "../../src/client/connect.js";
import { ControlClient } from "../../src/client/control.js";
import { BuildCancelled, BuildFailed, type SolveArgs, solveBuild } from "../../src/client/solve.js";
import { Control, type SolveRequest, type StatusResponse } from "../../src/gen/control/control_pb.js";
import { LLBBridge, type ReturnRequest } from "../../src/gen/gateway/gateway_pb.js";

const ALL_CAPS = ["solve.base", "readfile", "readdir", "resolveimage", "return", "proto.refarray", "file.base", "exec.mount.cache", "exec.mount.bind",
  "exec.meta.network", "source.local.includepatterns", "source.local.followpaths"].map((ID) => ({ ID, Enabled: true }));

interface Node {
  conn: Connection;
  solves: SolveRequest[];
  /** [method, build id header] of every LLBBridge call. */
  bridgeCalls: Array<[string, string]>;
  returns: ReturnRequest[];
  solveCancelled: Promise<void>;
  stop(): void;
}

type Handler = (req: MessageShape<DescMessage>, md: Metadata, call: { on(ev: "cancelled", f: () => void): void; write?(m: unknown): void; end?(): void }) => unknown;

function service<S extends GenServiceMethods>(svc: GenService<S>, handlers: Record<string, Handler>) {
  const def: Record<string, ServiceDefinition[string]> = {};
  const impl: UntypedServiceImplementation = {};
  for (const m of Object.values(svc.method) as Array<{ name: string; input: DescMessage; output: DescMessage; methodKind: string }>) {
    const streaming = m.methodKind === "server_streaming";
    def[m.name] = {
      path: `/${svc.typeName}/${m.name}`, requestStream: false, responseStream: streaming,
      requestSerialize: (x: MessageShape<DescMessage>) => Buffer.from(toBinary(m.input, x)),
      requestDeserialize: (b: Buffer) => fromBinary(m.input, b),
      responseSerialize: (x: MessageShape<DescMessage>) => Buffer.from(toBinary(m.output, create(m.output, x))),
      responseDeserialize: (b: Buffer) => fromBinary(m.output, b),
    };
    const h = handlers[m.name];
    impl[m.name] = (streaming
      ? (call: { request: MessageShape<DescMessage>; metadata: Metadata; on(ev: "cancelled", f: () => void): void; write(m: unknown): void; end(): void }) => void h?.(call.request, call.metadata, call)
      : (call: { request: MessageShape<DescMessage>; metadata: Metadata; on(ev: "cancelled", f: () => void): void }, cb: (e: unknown, r?: unknown) => void) => {
          if (!h) return cb({ code: status.UNIMPLEMENTED, details: m.name });
          Promise.resolve(h(call.request, call.metadata, call)).then((r) => cb(null, r), (e: Error & { code?: number }) => cb({ code: e.code ?? status.UNKNOWN, details: e.message }));
        }) as UntypedHandleCall;
  }
  return { def, impl };
}

const nodes: Node[] = [];
afterEach(() => {
  for (const n of nodes.splice(0)) n.stop();
});

async function fakeNode(o: { caps?: typeof ALL_CAPS; solveWaits?: boolean } = {}): Promise<Node> {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-node-"));
  const solves: SolveRequest[] = [];
  const bridgeCalls: Array<[string, string]> = [];
  const returns: ReturnRequest[] = [];
  let returned: (r: ReturnRequest) => void = () => {};
  const whenReturned = new Promise<ReturnRequest>((ok) => (returned = ok));
  let cancelled: () => void = () => {};
  const solveCancelled = new Promise<void>((ok) => (cancelled = ok));
  let solveDone: () => void = () => {};
  const done = new Promise<void>((ok) => (solveDone = ok));
  const id = (md: Metadata) => String(md.get("buildkit-controlapi-buildid")[0] ?? "");
  const control = service(Control, {
    ListWorkers: () => ({ record: [{ ID: "w0", platforms: [{ OS: "linux", Architecture: "amd64" }] }] }),
    Solve: async (req, _md, call) => {
      solves.push(req as SolveRequest);
      call.on("cancelled", cancelled);
      if (o.solveWaits) return new Promise(() => {});
      const r = await whenReturned;
      solveDone();
      if (r.error) throw Object.assign(new Error(r.error.message), { code: r.error.code });
      return { ExporterResponse: { "containerimage.digest": "sha256:abc" } };
    },
    Status: (req, _md, call) => {
      call.write?.({ vertexes: [{ digest: "v1", name: `build ${(req as unknown as { Ref: string }).Ref}` }] });
      void done.then(() => call.end?.());
      call.on("cancelled", () => call.end?.());
    },
  });
  const bridge = service(LLBBridge, {
    Ping: (_r, md) => {
      bridgeCalls.push(["Ping", id(md)]);
      return { FrontendAPICaps: o.caps ?? ALL_CAPS, LLBCaps: o.caps ?? ALL_CAPS, Workers: [{ ID: "w0", platforms: [{ OS: "linux", Architecture: "amd64" }] }] };
    },
    Return: (r, md) => {
      bridgeCalls.push(["Return", id(md)]);
      returns.push(r as ReturnRequest);
      returned(r as ReturnRequest);
      return {};
    },
  });
  const server = new Server();
  server.addService(control.def, control.impl);
  server.addService(bridge.def, bridge.impl);
  const sock = join(dir, "bk.sock");
  await new Promise<void>((ok, ko) => server.bindAsync(`unix:${sock}`, ServerCredentials.createInsecure(), (e) => (e ? ko(e) : ok())));
  const conn = await connect(parseAddress(`unix://${sock}`));
  const node = {
    conn, solves, bridgeCalls, returns, solveCancelled,
    stop() {
      conn.close();
      server.forceShutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  nodes.push(node);
  return node;
}

function session(done: Promise<void> = new Promise(() => {})) {
  const s = {
    id: "session-1",
    attached: 0,
    finished: [] as boolean[],
    responses: [] as Array<Readonly<Record<string, string>> | undefined>,
    done,
    attach: async () => void s.attached++,
    finish: async (ok: boolean, response?: Readonly<Record<string, string>>) => {
      s.finished.push(ok);
      s.responses.push(response);
    },
  };
  return s;
}

function args(node: Node, over: Partial<SolveArgs> = {}): SolveArgs & { statuses: StatusResponse[] } {
  const statuses: StatusResponse[] = [];
  return {
    control: new ControlClient(node.conn),
    session: session(),
    attrs: new Map([["filename", "slimgo.yaml"], ["requestid", "frontend.subrequests.describe"]]),
    exporters: [{ type: "image", attrs: { name: "app" } }],
    cacheImports: [],
    cacheExports: [],
    entitlements: [],
    workers: [{ platforms: [{ os: "linux", architecture: "amd64" }] }],
    onStatus: (s) => statuses.push(s),
    signal: new AbortController().signal,
    log: pino({ level: "silent" }),
    statuses,
    ...over,
  };
}

test("the frontend runs in this process: an empty Solve, and every gateway call carries the build's id", async () => {
  const node = await fakeNode();
  const a = args(node);
  const outcome = await solveBuild(a);
  const [solve] = node.solves;
  assert.ok(solve);
  assert.equal(solve.Frontend, "");
  assert.equal(solve.Definition, undefined);
  assert.equal(solve.Session, "session-1");
  assert.equal(solve.FrontendAttrs["requestid"], "frontend.subrequests.describe");
  assert.deepEqual(solve.Exporters.map((e) => [e.Type, e.Attrs]), [["image", { name: "app" }]]);
  assert.equal(solve.ExporterDeprecated, "image");
  assert.deepEqual(node.bridgeCalls, [["Ping", solve.Ref], ["Return", solve.Ref]]);
  assert.equal(outcome.ref, solve.Ref);
  assert.deepEqual(outcome.exporterResponse, { "containerimage.digest": "sha256:abc" });
  assert.match(new TextDecoder().decode(outcome.returned?.metadata?.["result.txt"]), /frontend\.lint/);
  assert.equal(a.statuses[0]?.vertexes[0]?.name, `build ${solve.Ref}`);
  assert.deepEqual((a.session as ReturnType<typeof session>).finished, [true]);
  // The session is told the exporter response: a local cache's manifest is recorded from it.
  assert.deepEqual((a.session as ReturnType<typeof session>).responses, [{ "containerimage.digest": "sha256:abc" }]);
});

test("--frontend-image sends gateway.v0 with the image as source and runs nothing here", async () => {
  const node = await fakeNode({ solveWaits: true });
  const abort = new AbortController();
  const a = args(node, { frontendImage: "slimgo:dev", signal: abort.signal });
  const run = solveBuild(a);
  while (node.solves.length === 0) await new Promise((ok) => setTimeout(ok, 10));
  abort.abort();
  await assert.rejects(run, BuildCancelled);
  assert.equal(node.solves[0]?.Frontend, "gateway.v0");
  assert.equal(node.solves[0]?.FrontendAttrs["source"], "slimgo:dev");
  assert.deepEqual(node.bridgeCalls, []);
});

test("the frontend's error fails the build with BuildKit's message", async () => {
  const node = await fakeNode({ caps: [] });
  const a = args(node);
  await assert.rejects(solveBuild(a), (e: Error) => e instanceof BuildFailed && /lacks features slimgo needs/.test(e.message));
  assert.deepEqual((a.session as ReturnType<typeof session>).finished, [false]);
});

test("Ctrl-C cancels the Solve and discards the session's outputs", async () => {
  const node = await fakeNode({ solveWaits: true });
  const abort = new AbortController();
  const a = args(node, { signal: abort.signal, attrs: new Map([["filename", "slimgo.yaml"]]), session: session() });
  const run = solveBuild(a);
  while (node.solves.length === 0) await new Promise((ok) => setTimeout(ok, 10));
  abort.abort();
  await assert.rejects(run, BuildCancelled);
  await node.solveCancelled;
  assert.deepEqual((a.session as ReturnType<typeof session>).finished, [false]);
});

test("a session that dies mid-build fails the build, never hangs", async () => {
  const node = await fakeNode({ solveWaits: true });
  let die: (e: Error) => void = () => {};
  const s = session(new Promise<void>((_ok, ko) => (die = ko)));
  const run = solveBuild(args(node, { session: s, frontendImage: "slimgo:dev" }));
  while (node.solves.length === 0) await new Promise((ok) => setTimeout(ok, 10));
  die(new Error("connection reset"));
  await assert.rejects(run, (e: Error) => e instanceof BuildFailed && e.message === "the session with BuildKit ended mid-build: connection reset");
  await node.solveCancelled;
});

test("outputs that cannot be written fail the build with one line", async () => {
  const node = await fakeNode();
  const s = { ...session(), finish: async (ok: boolean) => { if (ok) throw new Error("output /tmp/out: disk full"); } };
  await assert.rejects(solveBuild(args(node, { session: s })), (e: Error) => e instanceof BuildFailed && e.message === "output /tmp/out: disk full");
});
