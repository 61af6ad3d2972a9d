/** The frontend run in this process against a fake gateway, for tests that look at what it solves and logs. */
import { PassThrough } from "node:stream";
import { fromBinary } from "@bufbuild/protobuf";
import type { ReturnRequest } from "../../src/gen/gateway/gateway_pb.js";
import { type Definition, OpSchema } from "../../src/gen/pb/ops_pb.js";
import { Gateway } from "../../src/gateway/llb-bridge.js";
import { readLaunchEnv } from "../../src/gateway/options.js";
import { runFrontend } from "../../src/server/frontend.js";
import { frontendLogger } from "../../src/server/log.js";
import { type FakeHandlers, fakeGateway } from "../support/fake-gateway.js";

const CAPS = [
  "solve.base", "readfile", "readdir", "resolveimage", "return", "proto.refarray",
  "file.base", "exec.mount.cache", "exec.mount.bind", "exec.meta.network", "exec.meta.base", "exec.mount.selector",
  "exec.mount.cache.sharing", "source.local", "source.local.includepatterns", "source.local.followpaths",
  "source.local.excludepatterns", "source.local.sharedkeyhint", "source.local.sessionid", "source.image", "constraints", "platform",
].map((ID) => ({ ID, Enabled: true }));
const enc = (s: string) => new TextEncoder().encode(s);

export interface InProcessRun {
  /** Every definition solved, in order. */
  readonly solved: Definition[];
  readonly returned: ReturnRequest | undefined;
  /** The log, as the daemon would store it. */
  readonly log: string;
}

/**
 * Run the frontend with a spec and go.mod; `opts` are frontend options. The
 * fake answers ResolveImageConfig with a fixed digest unless `handlers` say
 * otherwise, and fails any read of a build's output, so a run ends at the
 * first verification with everything before it solved.
 */
export async function runInProcess(files: { spec: string; goMod: string; opts?: Record<string, string>; handlers?: FakeHandlers }): Promise<InProcessRun> {
  const solved: Definition[] = [];
  const kinds = new Map<string, string>();
  let returned: ReturnRequest | undefined;
  const server = fakeGateway({
    ping: () => ({ FrontendAPICaps: CAPS, LLBCaps: CAPS, Workers: [{ ID: "w", platforms: [{ OS: "linux", Architecture: "amd64" }] }] }),
    solve: (req) => {
      if (req.Definition) solved.push(req.Definition);
      const first = req.Definition?.def[0];
      const op = first ? fromBinary(OpSchema, first) : undefined;
      const id = `ref${kinds.size}`;
      kinds.set(id, op?.op.case === "source" ? op.op.value.identifier : "");
      return { result: { result: { case: "ref", value: { id } } } };
    },
    readDir: (req) => ({ entries: (kinds.get(req.Ref) === "local://dockerfile" ? ["slimgo.yaml"] : ["go.mod", "go.sum"]).map((path) => ({ path })) }),
    readFile: (req) => {
      if (req.FilePath === "slimgo.yaml") return { Data: enc(files.spec) };
      if (req.FilePath === "go.mod") return { Data: enc(files.goMod) };
      if (req.FilePath === "go.sum") return { Data: enc("") };
      throw new Error(`no ${req.FilePath} in the fake`);
    },
    resolveImageConfig: (req) => ({
      Digest: `sha256:${"ab".repeat(32)}`,
      Ref: req.Ref,
      Config: enc(JSON.stringify({ os: "linux", architecture: "amd64", config: { Env: ["PATH=/usr/local/go/bin:/usr/bin:/bin"], WorkingDir: "/go" } })),
    }),
    return: (req) => {
      returned = req;
      return {};
    },
    ...files.handlers,
  });
  const toFrontend = new PassThrough();
  const fromFrontend = new PassThrough();
  server.serve(fromFrontend, toFrontend);
  const gw = await Gateway.overStdio(toFrontend, fromFrontend);
  const lines: string[] = [];
  const log = frontendLogger("trace", { write: (s: string) => void lines.push(s) });
  const env: NodeJS.ProcessEnv = { BUILDKIT_SESSION_ID: "s" };
  Object.entries({ filename: "slimgo.yaml", ...files.opts }).forEach(([k, v], i) => (env[`BUILDKIT_FRONTEND_OPT_${i}`] = `${k}=${v}`));
  try {
    await runFrontend(gw, readLaunchEnv(env), log);
  } finally {
    gw.close();
    server.close();
  }
  return { solved, returned, log: lines.join("") };
}
