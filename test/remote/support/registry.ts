/**
 * Debian's docker-registry on loopback over plain HTTP, with its storage in a
 * temp dir, filled from the local Docker engine: no image can be pulled here,
 * so a standalone BuildKit gets the frontend and base images from it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../../support/docker.js";
import { type Daemon, startDaemon, waitFor } from "./daemon.js";

export interface Registry {
  /** host:port, e.g. 127.0.0.1:5100. */
  readonly host: string;
  readonly daemon: Daemon;
  /** Push local image `image` as `<host>/<name>`. */
  push(image: string, name: string): Promise<void>;
  stop(): Promise<void>;
}

export const REGISTRY_PORT = Number(process.env["SLIMGO_REGISTRY_PORT"] ?? 5100);

export async function startRegistry(dir: string, port = REGISTRY_PORT): Promise<Registry> {
  const host = `127.0.0.1:${port}`;
  if (await answers(host)) throw new Error(`something already serves ${host}: stop it or set SLIMGO_REGISTRY_PORT`);
  const config = join(dir, "registry.yml");
  writeFileSync(
    config,
    [
      "version: 0.1",
      "log: { level: warn }",
      `storage: { filesystem: { rootdirectory: ${join(dir, "data")} }, delete: { enabled: true } }`,
      `http: { addr: "${host}" }`,
      "",
    ].join("\n"),
  );
  const daemon = startDaemon("docker-registry", ["serve", config], join(dir, "registry.log"));
  await waitFor(`docker-registry on ${host}`, () => answers(host), daemon, 20_000);
  return {
    host,
    daemon,
    async push(image, name) {
      const ref = `${host}/${name}`;
      const tag = await run("docker", ["tag", image, ref]);
      if (tag.code !== 0) throw new Error(`docker tag ${image} ${ref}: ${tag.stderr.trim()}`);
      try {
        const pushed = await run("docker", ["push", "--quiet", ref]);
        if (pushed.code !== 0) throw new Error(`docker push ${ref}: ${pushed.stderr.trim()}`);
      } finally {
        await run("docker", ["image", "rm", ref]); // only the tag made above
      }
    },
    stop: () => daemon.stop(),
  };
}

async function answers(host: string): Promise<boolean> {
  try {
    return (await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}
