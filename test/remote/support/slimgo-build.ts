/** `slimgo build` (the CLI from source, frontend in-process) and buildctl against a standalone node over mTLS, with the suite's GOPROXY. */
import { resolve } from "node:path";
import { type Run, run } from "../../support/docker.js";
import type { BuildkitNode } from "../../support/buildkit/buildkitd.js";
import type { RemoteSuite } from "./suite.js";

const CLI = resolve("src/cli/entry.ts");
const TSX = import.meta.resolve("tsx");

export interface SlimgoBuildOptions {
  /** Send the client certificate (default); false tries the node without one. */
  readonly tls?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export function slimgoBuild(suite: RemoteSuite, node: BuildkitNode, dir: string, args: readonly string[], o: SlimgoBuildOptions = {}): Promise<Run> {
  const c = suite.certs;
  const certs = o.tls === false ? [] : ["--tlscacert", c.ca, "--tlscert", c.clientCert, "--tlskey", c.clientKey];
  const goArgs = Object.entries(suite.goArgs).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
  const cli = ["--import", TSX, CLI, "build", "--addr", node.addr, ...certs, "--progress=plain", "--network=host", ...goArgs, ...args];
  return run(process.execPath, cli, { cwd: dir, timeoutMs: 300_000, ...(o.env ? { env: o.env } : {}) });
}

/** buildctl with the slimgo frontend image from the suite's registry (gateway.v0), as BuildKit's Go client runs a build. */
export function buildctlBuild(suite: RemoteSuite, node: BuildkitNode, dir: string, args: readonly string[]): Promise<Run> {
  return node.buildctl([
    "build", "--progress=plain",
    "--frontend", "gateway.v0",
    "--opt", `source=${suite.frontendRef}`,
    "--opt", "filename=slimgo.yaml",
    "--local", `context=${dir}`,
    "--local", `dockerfile=${dir}`,
    "--opt", "force-network-mode=host",
    "--allow", "network.host",
    ...Object.entries(suite.goArgs).flatMap(([k, v]) => ["--opt", `build-arg:${k}=${v}`]),
    ...args,
  ]);
}
