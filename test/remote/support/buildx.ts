/** buildx builders of the `remote` driver over mTLS: one node, or several joined with --append. */
import { type Run, run } from "../../support/docker.js";
import type { BuildkitNode } from "../../support/buildkit/buildkitd.js";
import type { Certs } from "../../support/buildkit/certs.js";

export interface RemoteBuilder {
  readonly name: string;
  /** `docker buildx build --builder <name> --progress=plain -f <dir>/slimgo.yaml … <dir>`. */
  build(dir: string, buildArgs: Record<string, string>, extra: readonly string[]): Promise<Run>;
  inspect(): Promise<string>;
  remove(): Promise<void>;
}

export interface BuilderNode {
  readonly node: BuildkitNode;
  /** Platforms buildx should send to this node (`--platform` on create). */
  readonly platforms?: readonly string[];
}

export async function createRemoteBuilder(name: string, nodes: readonly BuilderNode[], certs: Certs): Promise<RemoteBuilder> {
  const tls = `cacert=${certs.ca},cert=${certs.clientCert},key=${certs.clientKey}`;
  const builder: RemoteBuilder = {
    name,
    build(dir, buildArgs, extra) {
      const args = ["buildx", "build", "--builder", name, "--progress=plain", "-f", `${dir}/slimgo.yaml`];
      for (const [k, v] of Object.entries(buildArgs)) args.push("--build-arg", `${k}=${v}`);
      return run("docker", [...args, ...extra, dir]);
    },
    async inspect() {
      return (await run("docker", ["buildx", "inspect", name])).stdout;
    },
    async remove() {
      await run("docker", ["buildx", "rm", "--force", name]);
    },
  };
  try {
    for (const [i, { node, platforms }] of nodes.entries()) {
      const args = ["buildx", "create", "--name", name, "--node", `${name}-${i}`, "--driver", "remote", "--driver-opt", tls];
      if (i > 0) args.push("--append");
      if (platforms !== undefined) args.push("--platform", platforms.join(","));
      const created = await run("docker", [...args, node.addr]);
      if (created.code !== 0) throw new Error(`docker ${args.join(" ")} ${node.addr}: ${created.stderr.trim()}`);
    }
    const boot = await run("docker", ["buildx", "inspect", "--bootstrap", name]);
    if (boot.code !== 0) throw new Error(`docker buildx inspect --bootstrap ${name}: ${boot.stderr.trim()}`);
  } catch (err) {
    await builder.remove();
    throw err;
  }
  return builder;
}
