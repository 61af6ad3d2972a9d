/** BuildKit's Control API (moby.buildkit.v1.Control) over one connection. */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import { Control, type SolveRequestSchema, type SolveResponse, type StatusResponse, type UsageRecord } from "../gen/control/control_pb.js";
import type { WorkerRecord } from "../gen/types/worker_pb.js";
import type { WorkerInfo } from "../gateway/options.js";
import { type CallOptions, RpcError, type UnaryCaller, serverStream, unaryCaller } from "../gateway/rpc.js";
import { type Address, ConnectError } from "./address.js";
import type { Connection } from "./connect.js";

/** The worker label only the Docker engine's own BuildKit carries. */
const ENGINE_WORKER_LABEL = "org.mobyproject.buildkit.worker.moby.host-gateway-ip";

export class ControlClient {
  private readonly call: UnaryCaller<(typeof Control)["method"]>;

  constructor(readonly conn: Connection) {
    this.call = unaryCaller(Control, conn.client);
  }

  async listWorkers(opts?: CallOptions): Promise<WorkerRecord[]> {
    return (await this.guard(this.call("listWorkers", {}, opts))).record;
  }

  async info(opts?: CallOptions): Promise<{ version: string; revision: string; package: string }> {
    const v = (await this.guard(this.call("info", {}, opts))).buildkitVersion;
    return { version: v?.version ?? "", revision: v?.revision ?? "", package: v?.package ?? "" };
  }

  async diskUsage(opts?: CallOptions): Promise<UsageRecord[]> {
    return (await this.guard(this.call("diskUsage", {}, opts))).record;
  }

  solve(req: MessageInitShape<typeof SolveRequestSchema>, opts?: CallOptions): Promise<SolveResponse> {
    return this.guard(this.call("solve", req, opts));
  }

  /** The build's progress until it ends; each StatusResponse goes to `onStatus`. */
  status(ref: string, onStatus: (s: StatusResponse) => void, opts?: CallOptions): Promise<void> {
    return this.guard(serverStream(Control, this.conn.client, "status", { Ref: ref }, onStatus, opts));
  }

  private async guard<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (err) {
      throw unreachable(err, this.conn.address, this.conn.transportError()) ?? err;
    }
  }
}

/** Workers as the frontend sees them in BUILDKIT_WORKERS. */
export function workerInfos(records: readonly WorkerRecord[]): WorkerInfo[] {
  return records.map((w) => {
    const platforms = w.platforms.map((p) => (p.Variant ? { os: p.OS, architecture: p.Architecture, variant: p.Variant } : { os: p.OS, architecture: p.Architecture }));
    const version = w.BuildkitVersion?.version;
    return version ? { platforms, buildkitVersion: version } : { platforms };
  });
}

/** Whether the node is the Docker engine's own BuildKit (images it names land in the engine's store). */
export function isEngineBuilder(records: readonly WorkerRecord[]): boolean {
  return records.some((w) => ENGINE_WORKER_LABEL in w.Labels);
}

/**
 * A failure to reach or trust the node, as one line with the fix; undefined
 * for errors that came from BuildKit itself.
 */
export function unreachable(err: unknown, address: Address, transport: string): ConnectError | undefined {
  if (!(err instanceof RpcError) || err.code !== status.UNAVAILABLE) return undefined;
  const detail = oneLine(err.details);
  if (address.kind === "docker-buildx") {
    const why = transport || detail;
    if (/no builder .* found/i.test(why)) {
      return new ConnectError(`builder ${address.builder ?? "(current)"} does not exist (${why}): list builders with \`docker buildx ls\`, or pass --addr`);
    }
    if (/Docker engine/.test(why)) return new ConnectError(`${why}: is the Docker engine running (docker info)?`);
    if (/not installed|ENOENT/.test(why)) return new ConnectError(`cannot run docker buildx dial-stdio: ${why}: install Docker with buildx, or pass --addr unix://… or tcp://…`);
    return new ConnectError(`cannot reach BuildKit through docker buildx dial-stdio${address.builder ? ` --builder ${address.builder}` : ""}: ${why}: is the Docker engine running (docker info)?`);
  }
  if (/certificate|SSL|TLS|handshake|alert|secure/i.test(detail)) {
    return new ConnectError(`TLS with ${address.url} failed (${detail}): check --tlscacert (the node's CA), --tlscert and --tlskey (a client certificate it trusts)`);
  }
  return new ConnectError(`cannot reach BuildKit at ${address.url} (${detail}): is buildkitd running and listening there? Pass --addr or set BUILDKIT_HOST`);
}

/** grpc-js's wording cut to what went wrong: OpenSSL's reason (`tlsv13 alert certificate required`), on one line. */
function oneLine(details: string): string {
  const ssl = /SSL routines:[^:]*:([^:]+):/.exec(details);
  if (ssl?.[1]) return ssl[1];
  return details
    .replace(/^No connection established\. Last error: /, "")
    .replace(/^Error: /, "")
    .replace(/\.? *Resolution note:[\s\S]*$/, "")
    .replace(/\s+/g, " ")
    .trim();
}
