/**
 * Debian's docker-registry on 127.0.0.1:5000 with a throwaway root: ko's base
 * image, the images the fresh builders pull, and the registry caches live there.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../test/support/docker.js";

export const REGISTRY = "127.0.0.1:5000";

export interface Registry {
  readonly host: string;
  stop(): Promise<void>;
}

export async function startRegistry(): Promise<Registry> {
  const busy = await fetch(`http://${REGISTRY}/v2/`).then(
    () => true,
    () => false,
  );
  if (busy) throw new Error(`${REGISTRY} already answers: stop what listens there (the bench runs its own registry on that port)`);
  const root = mkdtempSync(join(tmpdir(), "slimgo-bench-registry-"));
  const config = join(root, "config.yml");
  writeFileSync(
    config,
    `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${root}/data\n  delete:\n    enabled: true\nhttp:\n  addr: ${REGISTRY}\n`,
  );
  // Its log is one error line per 404 a client probes for; nothing to read there.
  const proc: ChildProcess = spawn("docker-registry", ["serve", config], { stdio: "ignore" });
  const exited = new Promise<void>((ok) => proc.once("exit", () => ok()));
  for (let i = 0; ; i++) {
    const up = await fetch(`http://${REGISTRY}/v2/`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i === 100 || proc.exitCode !== null) throw new Error(`docker-registry did not answer on ${REGISTRY} (config ${config})`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return {
    host: REGISTRY,
    async stop() {
      proc.kill("SIGTERM");
      await exited;
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Copy local images into the registry under their Docker Hub names
 * (golang:1.26-bookworm → REGISTRY/library/golang:1.26-bookworm), where a
 * builder that mirrors docker.io to REGISTRY finds them. The extra tag is removed.
 */
export async function pushLocalImages(images: readonly string[]): Promise<void> {
  for (const image of images) {
    const remote = `${REGISTRY}/${image.includes("/") ? image : `library/${image}`}`;
    const steps = [
      ["tag", image, remote],
      ["push", "-q", remote],
      ["image", "rm", remote],
    ];
    for (const args of steps) {
      const res = await run("docker", args);
      if (res.code !== 0) throw new Error(`docker ${args.join(" ")} failed: ${res.stderr.trim()}`);
    }
  }
}
