/**
 * One build on a BuildKit node: the session, the progress stream, the Solve,
 * and (unless a frontend image is named) slimgo's frontend run in this
 * process over the same connection, as BuildKit's Go client `Build` does.
 */
import { randomBytes } from "node:crypto";
import { status as grpcStatus } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { StatusResponse } from "../gen/control/control_pb.js";
import { Gateway, type ResultInit } from "../gateway/llb-bridge.js";
import type { WorkerInfo } from "../gateway/options.js";
import { RpcError } from "../gateway/rpc.js";
import { runFrontend } from "../server/frontend.js";
import type { CacheEntry } from "./build-options.js";
import type { ControlClient } from "./control.js";
import { launchEnv } from "./frontend-attrs.js";
import type { BuildSession } from "./session-port.js";

/** How long the progress stream may trail the Solve's answer before it is cut (the Go client waits 5 s of silence). */
const STATUS_GRACE_MS = 3000;
/** A frontend that failed but whose Solve has not: the Solve is cancelled after this (as the Go client does). */
const FRONTEND_GRACE_MS = 5000;

export interface SolveArgs {
  readonly control: ControlClient;
  readonly session: BuildSession;
  readonly attrs: ReadonlyMap<string, string>;
  readonly exporters: ReadonlyArray<{ type: string; attrs: Record<string, string> }>;
  readonly cacheImports: readonly CacheEntry[];
  readonly cacheExports: readonly CacheEntry[];
  readonly entitlements: readonly string[];
  readonly workers: readonly WorkerInfo[];
  /** Run this image as the frontend (gateway.v0) instead of the one in this process. */
  readonly frontendImage?: string | undefined;
  readonly onStatus: (s: StatusResponse) => void;
  readonly signal: AbortSignal;
  readonly log: Logger;
}

export interface SolveOutcome {
  readonly ref: string;
  readonly exporterResponse: Readonly<Record<string, string>>;
  /** What the in-process frontend returned (`--call` answers are read from its metadata). */
  readonly returned?: ResultInit;
}

/** The build failed in BuildKit or in the frontend: the message BuildKit gave. */
export class BuildFailed extends Error {
  override name = "BuildFailed";
}

/** Ctrl-C (or another abort) stopped the build. */
export class BuildCancelled extends Error {
  override name = "BuildCancelled";
}

export async function solveBuild(a: SolveArgs): Promise<SolveOutcome> {
  const client = a.control.conn.client;
  const ref = randomBytes(13).toString("hex").slice(0, 25);
  await a.session.attach(client);

  const statusAbort = new AbortController();
  const progress = a.control.status(ref, a.onStatus, { signal: statusAbort.signal }).catch(() => {
    // Progress is best effort: the Solve's answer decides the build.
  });

  const solveAbort = new AbortController();
  const cancel = () => solveAbort.abort();
  a.signal.addEventListener("abort", cancel, { once: true });
  const first = a.exporters[0];
  const solve = a.control.solve(
    {
      Ref: ref,
      Session: a.session.id,
      Frontend: a.frontendImage === undefined ? "" : "gateway.v0",
      FrontendAttrs: Object.fromEntries(a.frontendImage === undefined ? a.attrs : [...a.attrs, ["source", a.frontendImage]]),
      Exporters: a.exporters.map((e) => ({ Type: e.type, Attrs: e.attrs })),
      ...(first !== undefined ? { ExporterDeprecated: first.type, ExporterAttrsDeprecated: first.attrs } : {}),
      Cache: {
        Imports: a.cacheImports.map((c) => ({ Type: c.type, Attrs: { ...c.attrs } })),
        Exports: a.cacheExports.map((c) => ({ Type: c.type, Attrs: { ...c.attrs } })),
      },
      Entitlements: [...a.entitlements],
    },
    { signal: solveAbort.signal },
  );

  let returned: ResultInit | undefined;
  let frontendError: unknown;
  let frontendTimer: NodeJS.Timeout | undefined;
  if (a.frontendImage === undefined) {
    const gw = Gateway.forBuild(client, ref, (r) => (returned = r));
    runFrontend(gw, launchEnv(a.attrs, a.session.id, a.workers), a.log).catch((err: unknown) => {
      frontendError = err;
      frontendTimer = setTimeout(cancel, FRONTEND_GRACE_MS);
    });
  }

  let ok = false;
  let response: Readonly<Record<string, string>> = {};
  try {
    const sessionDied = a.session.done.then(
      () => new Promise<never>(() => {}),
      (err: unknown) => {
        throw new BuildFailed(`the session with BuildKit ended mid-build: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    const res = await Promise.race([solve, sessionDied]);
    ok = true;
    response = res.ExporterResponse;
    return { ref, exporterResponse: res.ExporterResponse, ...(returned !== undefined ? { returned } : {}) };
  } catch (err) {
    if (a.signal.aborted) throw new BuildCancelled("build cancelled");
    if (err instanceof RpcError && err.code !== grpcStatus.UNAVAILABLE) throw new BuildFailed(solveMessage(err));
    if (err instanceof RpcError && frontendError instanceof Error) throw new BuildFailed(frontendError.message);
    throw err;
  } finally {
    clearTimeout(frontendTimer);
    a.signal.removeEventListener("abort", cancel);
    solveAbort.abort();
    const grace = setTimeout(() => statusAbort.abort(), ok ? STATUS_GRACE_MS : 500);
    await progress;
    clearTimeout(grace);
    await a.session.finish(ok, response).catch((err: unknown) => {
      // The build passed but its outputs could not be written: that fails the build.
      if (ok) throw new BuildFailed(err instanceof Error ? err.message : String(err));
    });
  }
}

/** BuildKit's message without the RPC name we add. */
function solveMessage(err: RpcError): string {
  return err.details || err.message;
}
