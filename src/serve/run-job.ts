/**
 * One job on one node: a build (or one platform of it) driven through
 * slimgo's client, with the frontend running in this process, its progress
 * forwarded as it comes.
 */
import { status as grpcStatus } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { ConnectError, parseAddress } from "../client/address.js";
import type { BuildOptions, CacheEntry } from "../client/build-options.js";
import { connect } from "../client/connect.js";
import { ControlClient, workerInfos } from "../client/control.js";
import { exportPlan } from "../client/exporters.js";
import { buildInputs, solveFlags } from "../client/frontend-attrs.js";
import { BuildCancelled, solveBuild } from "../client/solve.js";
import { FlagError } from "../cli/build-flags.js";
import type { StatusResponse } from "../gen/control/control_pb.js";
import { RpcError } from "../gateway/rpc.js";
import { CACHE_NAMESPACE_OPTION } from "../plan/cache-namespace.js";
import { Session } from "../session/index.js";
import type { NodeConfig } from "./config.js";
import { repositorySlug } from "./remote-options.js";

/** How long a node may take to answer before the job counts it lost. */
const FIRST_CALL_MS = 20_000;

export interface JobSpec {
  readonly options: BuildOptions;
  /** The one platform this job builds, or "" for the node's own. */
  readonly platform: string;
  readonly tenant: string;
  readonly repository: string;
  /** `cache.registry` from the config. */
  readonly cacheRegistry?: string | undefined;
  /** Push the image by digest only (one platform of a multi-platform build; the index names it). */
  readonly pushByDigest: boolean;
  readonly dockerConfigDir: string;
}

/** The node stopped answering: the job may run again elsewhere. */
export class NodeLost extends Error {
  override name = "NodeLost";
}

export interface JobResult {
  readonly exporterResponse: Readonly<Record<string, string>>;
}

export async function runJob(node: NodeConfig, spec: JobSpec, onStatus: (s: StatusResponse) => void, signal: AbortSignal, log: Logger): Promise<JobResult> {
  const o = jobOptions(spec, node);
  const conn = await connect(parseAddress(node.addr, node.tls));
  try {
    const control = new ControlClient(conn);
    let workers;
    try {
      workers = await control.listWorkers({ signal: AbortSignal.any([signal, AbortSignal.timeout(FIRST_CALL_MS)]) });
    } catch (err) {
      if (signal.aborted) throw new BuildCancelled("build cancelled");
      throw new NodeLost(`node ${node.name} did not answer: ${err instanceof Error ? err.message : String(err)}`);
    }
    const plan = exportPlan(o, false, () => {
      throw new FlagError("--load does not apply to a build on the service");
    });
    const inputs = buildInputs(o, "/");
    const attrs = new Map(inputs.attrs);
    // Cache mounts are shared per tenant and repository, never across tenants.
    attrs.set(CACHE_NAMESPACE_OPTION, `${spec.tenant}/${spec.repository}`);
    // The options' secrets and agents are the tenant's own, lent in the service's config (lendTenantSecrets).
    const session = new Session({ dirs: inputs.dirs, outputs: [], dockerConfigDir: spec.dockerConfigDir, secrets: o.secrets, ssh: o.ssh });
    try {
      const outcome = await solveBuild({
        control,
        session,
        attrs,
        exporters: plan.exporters,
        ...solveFlags(o),
        workers: workerInfos(workers),
        onStatus,
        signal,
        log,
      });
      return { exporterResponse: outcome.exporterResponse };
    } catch (err) {
      if (!signal.aborted && (err instanceof ConnectError || (err instanceof RpcError && err.code === grpcStatus.UNAVAILABLE))) {
        throw new NodeLost(`node ${node.name} was lost mid-build: ${err.message}`);
      }
      throw err;
    }
  } finally {
    conn.close();
  }
}

/** The build's options as this job runs them: its platform, its outputs, the registry cache. */
export function jobOptions(spec: JobSpec, node: NodeConfig): BuildOptions {
  const o = spec.options;
  const platform = spec.platform !== "" ? spec.platform : (node.platforms[0] ?? "linux/amd64");
  let next: BuildOptions = { ...o, platforms: spec.platform !== "" ? [spec.platform] : o.platforms };
  if (spec.pushByDigest) {
    const name = o.tags[0] ?? o.outputs.find((e) => e.attrs["name"] !== undefined)?.attrs["name"];
    if (name === undefined) throw new FlagError("--push needs an image name: add -t REGISTRY/NAME:TAG");
    next = { ...next, tags: [], push: false, outputs: [{ type: "image", attrs: { name: withoutTag(name.split(",")[0] ?? name), push: "true", "push-by-digest": "true" } }] };
  }
  if (spec.cacheRegistry !== undefined) {
    const ref = cacheRef(spec.cacheRegistry, spec.repository, platform);
    const insecure: Record<string, string> = /^(127\.|localhost[:/]|\[::1\])/.test(spec.cacheRegistry) ? { "registry.insecure": "true" } : {};
    const from: CacheEntry = { type: "registry", attrs: { ref, ...insecure } };
    const to: CacheEntry = { type: "registry", attrs: { ref, mode: "max", ...insecure } };
    next = { ...next, cacheFrom: [...next.cacheFrom, from], cacheTo: [...next.cacheTo, to] };
  }
  return next;
}

/** One registry ref per repository and platform, so nodes never overwrite each other's cache manifest. */
export function cacheRef(registry: string, repository: string, platform: string): string {
  const [os = "linux", arch = "amd64", variant] = platform.split("/");
  return `${registry}/${repositorySlug(repository)}:${os}-${arch}${variant ? `-${variant}` : ""}`;
}

/** `reg:5000/app:1` → `reg:5000/app`; digests dropped too. */
export function withoutTag(ref: string): string {
  const noDigest = ref.split("@")[0] ?? ref;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}
