/**
 * Standalone rootful buildkitd nodes (OCI worker, bookworm's runc), each with its
 * own state dir and a unix socket, optionally an mTLS TCP address, pulling
 * through a loopback registry: Docker Hub names resolve through it as a mirror.
 * The remote suite's farm nodes and the benchmark's fresh builders.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { type Run, run } from "../docker.js";
import type { Certs } from "./certs.js";
import { type Daemon, startDaemon, waitFor } from "./daemon.js";

export const BIN_DIR = resolve(process.env["SLIMGO_BUILDKIT_BIN"] ?? ".cache/buildkit/bin");
export const BUILDKITD = join(BIN_DIR, "buildkitd");
export const BUILDCTL = join(BIN_DIR, "buildctl");

/** Fails with the fix when the daemon binaries or runc are missing: remote tests never skip. */
export function requireBuildkit(): void {
  for (const bin of [BUILDKITD, BUILDCTL]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run scripts/buildkit/setup.sh (or make test-remote)`);
  }
  try {
    execFileSync("runc", ["--version"], { stdio: "ignore" });
  } catch {
    throw new Error("runc is not installed: run scripts/buildkit/setup.sh (installs bookworm's runc)");
  }
}

export interface NodeOptions {
  readonly name: string;
  /** Parent dir; the node's state, socket, config and log go in <dir>/<name>. */
  readonly dir: string;
  /** Also listen on tcp://127.0.0.1:PORT, with mTLS from these certificates. */
  readonly tcp?: { readonly port: number; readonly certs: Certs };
  /** Registry host:port serving Docker Hub names (library/…) over plain HTTP. */
  readonly registry: string;
  /** Worker platforms to declare (`--oci-worker-platform`); default: what the host runs. */
  readonly platforms?: readonly string[];
  /** State on a tmpfs: deleting an unpacked builder image from this disk took 90 s. */
  readonly tmpfs?: boolean;
  /** No garbage collection, so a measurement never pays for one. */
  readonly noGc?: boolean;
  /** Registries served over TLS with a private CA: host:port → CA certificate file. */
  readonly registryCAs?: Readonly<Record<string, string>>;
}

export interface BuildkitNode {
  readonly name: string;
  /** The mTLS address tcp://127.0.0.1:PORT with `tcp`, else the unix socket. */
  readonly addr: string;
  /** Plain unix socket address for local checks. */
  readonly socket: string;
  readonly root: string;
  readonly daemon: Daemon;
  /** buildctl against `addr` (with the client certificate over TCP). */
  buildctl(args: readonly string[], cwd?: string): Promise<Run>;
  /** Stop the daemon and remove its state (unmounting anything it left). */
  destroy(): Promise<void>;
}

export async function startNode(o: NodeOptions): Promise<BuildkitNode> {
  const home = join(o.dir, o.name);
  const root = join(home, "state");
  mkdirSync(root, { recursive: true });
  if (o.tmpfs) {
    const mounted = await run("mount", ["-t", "tmpfs", "-o", "size=16g,mode=0700", `slimgo-${o.name}`, root]);
    if (mounted.code !== 0) throw new Error(`mount tmpfs on ${root}: ${mounted.stderr.trim()}`);
  }
  const config = join(home, "buildkitd.toml");
  writeFileSync(
    config,
    [
      // Docker Hub names (golang:1.24-bookworm) come from the loopback registry; nothing is pulled from outside.
      `[registry."docker.io"]`,
      `  mirrors = ["${o.registry}"]`,
      `[registry."${o.registry}"]`,
      `  http = true`,
      // BuildKit speaks plain HTTP to a loopback registry unless told otherwise.
      ...Object.entries(o.registryCAs ?? {}).flatMap(([host, ca]) => [`[registry."${host}"]`, `  http = false`, `  ca = [${JSON.stringify(ca)}]`]),
      "",
    ].join("\n"),
  );
  const socket = `unix://${join(home, "buildkitd.sock")}`;
  const addr = o.tcp ? `tcp://127.0.0.1:${o.tcp.port}` : socket;
  const args = [
    "--config", config,
    "--root", root,
    "--addr", socket,
    ...(o.tcp ? ["--addr", addr, "--tlscacert", o.tcp.certs.ca, "--tlscert", o.tcp.certs.serverCert, "--tlskey", o.tcp.certs.serverKey] : []),
    "--oci-worker=true",
    "--containerd-worker=false",
    // Builds reach the loopback GOPROXY with --network=host, as on the engine.
    "--allow-insecure-entitlement", "network.host",
    ...(o.noGc ? ["--oci-worker-gc=false"] : []),
    ...(o.platforms ?? []).flatMap((p) => ["--oci-worker-platform", p]),
  ];
  const daemon = startDaemon(BUILDKITD, args, join(home, "buildkitd.log"));
  const client = o.tcp ? ["--addr", addr, "--tlscacert", o.tcp.certs.ca, "--tlscert", o.tcp.certs.clientCert, "--tlskey", o.tcp.certs.clientKey] : ["--addr", addr];
  const node: BuildkitNode = {
    name: o.name,
    addr,
    socket,
    root,
    daemon,
    buildctl: (a, cwd) => run(BUILDCTL, [...client, ...a], cwd === undefined ? {} : { cwd }),
    async destroy() {
      await daemon.stop();
      unmountUnder(home);
      rmSync(home, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(`buildkitd ${o.name} on ${addr}`, async () => (await node.buildctl(["debug", "workers"])).code === 0, daemon);
  } catch (err) {
    await node.destroy();
    throw err;
  }
  return node;
}

/** Platforms the node's workers report, e.g. ["linux/amd64", "linux/386"]. */
export async function workerPlatforms(node: BuildkitNode): Promise<string[]> {
  const res = await node.buildctl(["debug", "workers", "--format", "{{json .}}"]);
  if (res.code !== 0) throw new Error(`buildctl debug workers on ${node.addr}: ${res.stderr.trim()}`);
  const workers = JSON.parse(res.stdout) as Array<{ platforms: Array<{ OS: string; Architecture: string; Variant?: string }> }>;
  return workers.flatMap((w) => w.platforms.map((p) => [p.OS, p.Architecture, p.Variant].filter(Boolean).join("/")));
}

/** A killed daemon can leave overlay mounts behind; rm -rf must not walk into them. */
function unmountUnder(dir: string): void {
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter((point) => point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) {
    try {
      execFileSync("umount", ["-l", point], { stdio: "ignore" });
    } catch {
      // already gone
    }
  }
}
