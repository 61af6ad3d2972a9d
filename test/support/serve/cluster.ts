/**
 * Everything a serve-e2e test runs against, on loopback: a registry holding
 * the builder image (and the pushed images and caches), mTLS buildkitd nodes,
 * a counting GOPROXY, a git daemon, and slimgo serve as its own process.
 * `close()` stops every one of them and removes their files.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type GoProxy, prefetchModules, startGoProxy } from "../../../scripts/goproxy.js";
import { run } from "../docker.js";
import { fixturePath } from "../fixture.js";
import { type BuildkitNode, requireBuildkit, startNode } from "../buildkit/buildkitd.js";
import { type Certs, makeCerts } from "../buildkit/certs.js";
import { type Registry, startRegistry } from "../buildkit/registry.js";
import { type GitServer, startGitServer } from "./git-server.js";
import { freePort } from "./ports.js";
import { type Service, type ServiceOptions, type TenantSpec, startService } from "./service.js";

/** The builder image `go 1.24` selects; every node pulls it from the loopback registry. */
const BUILDER = "golang:1.24-bookworm";
/** The projects the suite builds: examples/hello and the monorepo fixture. */
export const PROJECTS = { hello: resolve("examples/hello"), monorepo: fixturePath("monorepo") } as const;

export const TENANTS: readonly TenantSpec[] = [
  { name: "team-a", token: "token-team-a-0123456789" },
  { name: "team-b", token: "token-team-b-0123456789" },
  { name: "team-c", token: "token-team-c-0123456789" },
  { name: "team-d", token: "token-team-d-0123456789" },
];

export interface NodeRole {
  readonly name: string;
  /** What the service is told the node builds. */
  readonly platforms: readonly string[];
  readonly maxBuilds?: number;
}

export interface Cluster {
  readonly dir: string;
  readonly certs: Certs;
  readonly registry: Registry;
  readonly proxy: GoProxy;
  readonly git: GitServer;
  readonly nodes: Map<string, BuildkitNode>;
  readonly service: Service;
  /** Flags every build takes: modules from the loopback proxy only, reached over the host network. */
  readonly goFlags: readonly string[];
  /** A scratch copy of a project with its spec, for edits. */
  project(name: keyof typeof PROJECTS, spec?: string): string;
  /** Start node `name` again (after it was stopped), on the same address. */
  restartNode(name: string): Promise<BuildkitNode>;
  close(): Promise<void>;
}

export async function startCluster(label: string, roles: readonly NodeRole[], serviceExtra: Partial<ServiceOptions> = {}): Promise<Cluster> {
  requireBuildkit();
  const engine = await run("docker", ["image", "inspect", BUILDER, "--format", "{{.Id}}"]);
  if (engine.code !== 0) throw new Error(`${BUILDER} is not in the local Docker engine: run \`make engine\``);
  const dir = mkdtempSync(join(tmpdir(), `slimgo-serve-${label}-`));
  const closers: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) {
      try {
        await c();
      } catch {
        // keep stopping the rest
      }
    }
  };
  try {
    const certs = makeCerts(dir);
    const registry = await startRegistry(dir, await freePort());
    closers.push(() => registry.stop());
    await registry.pushAsDockerHub([BUILDER]);
    const proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), Object.values(PROJECTS)));
    closers.push(() => proxy.close());
    const git = await startGitServer(dir);
    closers.push(() => git.stop());
    const nodes = new Map<string, BuildkitNode>();
    const ports = new Map<string, number>();
    const launchNode = async (role: NodeRole) => {
      const port = ports.get(role.name) ?? (await freePort());
      ports.set(role.name, port);
      // An amd64 host serves linux/arm64 too: slimgo cross-compiles and never runs arm64 code at build time.
      const node = await startNode({ name: role.name, dir, tcp: { port, certs }, registry: registry.host, platforms: ["linux/amd64", "linux/arm64"] });
      nodes.set(role.name, node);
      return node;
    };
    for (const role of roles) await launchNode(role);
    closers.push(async () => {
      for (const n of nodes.values()) await n.destroy();
    });
    const service = await startService({
      dir: join(dir, "serve"),
      tenants: TENANTS,
      nodes: roles.map((r) => ({
        name: r.name,
        addr: nodes.get(r.name)!.addr,
        tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey },
        platforms: r.platforms,
        ...(r.maxBuilds ? { maxBuilds: r.maxBuilds } : {}),
      })),
      cacheRegistry: `${registry.host}/slimgo-cache`,
      ...serviceExtra,
    });
    closers.push(() => service.stop());
    return {
      dir,
      certs,
      registry,
      proxy,
      git,
      nodes,
      service,
      goFlags: ["--build-arg", `GOPROXY=${proxy.url}`, "--build-arg", "GOSUMDB=off", "--network", "host", "--allow", "network.host"],
      project(name, spec) {
        const copy = mkdtempSync(join(tmpdir(), `slimgo-serve-${name}-`));
        closers.push(() => rmSync(copy, { recursive: true, force: true }));
        cpSync(PROJECTS[name], copy, { recursive: true });
        if (spec !== undefined) writeFileSync(join(copy, "slimgo.yaml"), spec);
        return copy;
      },
      async restartNode(name) {
        const role = roles.find((r) => r.name === name);
        if (role === undefined) throw new Error(`no node ${name}`);
        await nodes.get(name)?.daemon.stop();
        return launchNode(role);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
