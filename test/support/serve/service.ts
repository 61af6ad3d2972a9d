/**
 * slimgo serve as a separate process (`node --import tsx src/cli/entry.ts
 * serve --config FILE`), in its own process group: started, polled until it
 * answers, sampled for RSS, stopped with SIGTERM or killed with SIGKILL and
 * started again on the same state.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { BuildsClient } from "../../../src/builds-client/builds-client.js";
import { parseServerUrl } from "../../../src/builds-client/server-address.js";
import { type Daemon, startDaemon, waitFor } from "../buildkit/daemon.js";
import { freePort } from "./ports.js";

export interface TenantSpec {
  readonly name: string;
  readonly token: string;
  readonly maxRunning?: number;
}

export interface NodeSpec {
  readonly name: string;
  readonly addr: string;
  readonly tls?: { readonly ca: string; readonly cert: string; readonly key: string };
  readonly platforms: readonly string[];
  readonly maxBuilds?: number;
}

export interface ServiceOptions {
  /** The service's own directory: config, state.db, workdir and log go there. */
  readonly dir: string;
  readonly tenants: readonly TenantSpec[];
  readonly nodes: readonly NodeSpec[];
  /** host:port/repo of the registry cache. */
  readonly cacheRegistry?: string;
  readonly limits?: { readonly contextBytes?: string; readonly contextFiles?: number; readonly buildTimeout?: string };
}

export interface Service {
  readonly url: string;
  readonly metricsUrl: string;
  readonly workdir: string;
  readonly log: string;
  /** A client acting as `tenant`. */
  client(tenant: string | undefined): BuildsClient;
  /** The process's resident set, in bytes (0 when it is not running). */
  rss(): number;
  /** The largest RSS seen by sample() so far. */
  peakRss(): number;
  sample(): void;
  /** Files and directories under the workdir (relative), to check nothing is left behind. */
  workdirEntries(): string[];
  kill9(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, "../../..");

export async function startService(o: ServiceOptions): Promise<Service> {
  mkdirSync(o.dir, { recursive: true });
  const port = await freePort();
  const metricsPort = await freePort();
  const workdir = join(o.dir, "work");
  const config = join(o.dir, "serve.yaml");
  writeFileSync(
    config,
    stringify({
      listen: `127.0.0.1:${port}`,
      metrics: `127.0.0.1:${metricsPort}`,
      state: join(o.dir, "state.db"),
      workdir,
      healthInterval: "1s",
      tenants: o.tenants.map((t) => ({ name: t.name, tokenSha256: createHash("sha256").update(t.token).digest("hex"), maxRunning: t.maxRunning ?? 2 })),
      nodes: o.nodes.map((n) => ({ name: n.name, addr: n.addr, ...(n.tls ? { tls: n.tls } : {}), platforms: [...n.platforms], maxBuilds: n.maxBuilds ?? 2 })),
      ...(o.cacheRegistry ? { cache: { registry: o.cacheRegistry } } : {}),
      ...(o.limits ? { limits: o.limits } : {}),
    }),
  );
  const url = `tcp://127.0.0.1:${port}`;
  const tokens = new Map(o.tenants.map((t) => [t.name, t.token]));
  const log = join(o.dir, "serve.log");
  let daemon: Daemon;
  let peak = 0;
  const launch = async () => {
    daemon = startDaemon(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/entry.ts"), "serve", "--config", config], log);
    const probe = new BuildsClient(parseServerUrl(url), {}, o.tenants[0]?.token);
    try {
      await waitFor(`slimgo serve on ${url}`, () => probe.nodes().then(() => true, () => false), daemon, 60_000);
    } finally {
      probe.close();
    }
  };
  await launch();
  const rss = () => {
    try {
      const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${daemon.pid}/status`, "utf8"));
      return m ? Number(m[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  };
  return {
    url,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    workdir,
    log,
    client: (tenant) => new BuildsClient(parseServerUrl(url), {}, tenant === undefined ? undefined : tokens.get(tenant)),
    rss,
    peakRss: () => peak,
    sample() {
      peak = Math.max(peak, rss());
    },
    workdirEntries: () => listTree(workdir),
    async kill9() {
      try {
        process.kill(-daemon.pid, "SIGKILL");
      } catch {
        // already gone
      }
      await daemon.stop(); // waits for the exit
    },
    restart: launch,
    stop: () => daemon.stop(),
  };
}

function listTree(dir: string, rel = ""): string[] {
  let names: string[];
  try {
    names = readdirSync(join(dir, rel));
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const path = rel === "" ? n : `${rel}/${n}`;
    try {
      return [path, ...listTree(dir, path)];
    } catch {
      return [path];
    }
  });
}
