/**
 * Debian's docker-registry on loopback over plain HTTP, with its storage in a
 * given dir, filled from the local Docker engine: no image can be pulled here,
 * so a standalone BuildKit gets the frontend and base images from it. Used by
 * the remote suite and by the benchmark's fresh builders.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { get } from "node:https";
import { join } from "node:path";
import { run } from "../docker.js";
import { type Daemon, startDaemon, waitFor } from "./daemon.js";

export interface Registry {
  /** host:port, e.g. 127.0.0.1:5100. */
  readonly host: string;
  readonly daemon: Daemon;
  /** Push local image `image` as `<host>/<name>`; the extra local tag is removed. */
  push(image: string, name: string): Promise<void>;
  /** Push local images under their Docker Hub names (golang:1.26 → library/golang:1.26), for builders that mirror docker.io here. */
  pushAsDockerHub(images: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** Serve HTTPS with this certificate (valid for 127.0.0.1), signed by `ca`. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca: string };
  /** Basic auth from an htpasswd file of bcrypt entries (`htpasswd -B`). */
  readonly htpasswd?: string;
}

export async function startRegistry(dir: string, port: number, o: RegistryOptions = {}): Promise<Registry> {
  const host = `127.0.0.1:${port}`;
  const tls = o.tls;
  const up = tls ? () => answersTls(host, tls.ca) : () => answers(host);
  if (await up()) throw new Error(`something already serves ${host}: stop it first`);
  const config = join(dir, "registry.yml");
  writeFileSync(
    config,
    [
      "version: 0.1",
      "log: { level: warn }",
      `storage: { filesystem: { rootdirectory: ${join(dir, "data")} }, delete: { enabled: true } }`,
      tls ? `http: { addr: "${host}", tls: { certificate: ${tls.cert}, key: ${tls.key} } }` : `http: { addr: "${host}" }`,
      ...(o.htpasswd ? [`auth: { htpasswd: { realm: slimgo-test, path: ${o.htpasswd} } }`] : []),
      "",
    ].join("\n"),
  );
  const daemon = startDaemon("docker-registry", ["serve", config], join(dir, "registry.log"));
  await waitFor(`docker-registry on ${host}`, up, daemon, 20_000);
  const push = async (image: string, name: string) => {
    const ref = `${host}/${name}`;
    const tag = await run("docker", ["tag", image, ref]);
    if (tag.code !== 0) throw new Error(`docker tag ${image} ${ref}: ${tag.stderr.trim()}`);
    try {
      const pushed = await run("docker", ["push", "--quiet", ref]);
      if (pushed.code !== 0) throw new Error(`docker push ${ref}: ${pushed.stderr.trim()}`);
    } finally {
      await run("docker", ["image", "rm", ref]); // only the tag made above
    }
  };
  return {
    host,
    daemon,
    push,
    async pushAsDockerHub(images) {
      for (const image of images) await push(image, image.includes("/") ? image : `library/${image}`);
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

/** Any HTTP answer over TLS with `ca` counts: with auth on, /v2/ answers 401. */
function answersTls(host: string, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(`https://${host}/v2/`, { ca: readFileSync(ca), timeout: 2000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}
