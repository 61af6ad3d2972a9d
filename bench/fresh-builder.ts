/**
 * A builder with an empty BuildKit cache, without pruning the engine's shared
 * builder: a standalone buildkitd (state on tmpfs, no garbage collection)
 * attached to buildx with the remote driver. It pulls images from the bench
 * registry (docker.io is mirrored there), so it starts with the base and
 * frontend images already pulled and nothing else: a CI runner with its
 * images cached.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNode } from "../test/support/buildkit/buildkitd.js";
import { run } from "../test/support/docker.js";
import { REGISTRY } from "./registry.js";

export interface FreshBuilder {
  /** buildx builder name, for `--builder`. */
  readonly name: string;
  stop(): Promise<void>;
}

export interface Warmup {
  /** A build context holding the workload and its build definitions. */
  readonly dir: string;
  /** Images to pull before the builder counts as fresh. */
  readonly images: readonly string[];
  /** Build definitions (file names in `dir`) that name a frontend image on their `# syntax=` line. */
  readonly frontends: readonly string[];
}

let count = 0;

export async function startFreshBuilder(warm: Warmup): Promise<FreshBuilder> {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-bench-buildkitd-"));
  const name = `slimgo-bench-fresh-${process.pid}-${count++}`;
  let node: Awaited<ReturnType<typeof startNode>> | undefined;
  const stop = async () => {
    await run("docker", ["buildx", "rm", name]);
    await node?.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    node = await startNode({ name: "fresh", dir, registry: REGISTRY, tmpfs: true, noGc: true });
    const create = await run("docker", ["buildx", "create", "--name", name, "--driver", "remote", node.socket]);
    if (create.code !== 0) throw new Error(`fresh builder: docker buildx create: ${create.stderr.trim()}\nbuildkitd log:\n${node.daemon.tail()}`);
    await warmUp(name, dir, warm);
  } catch (err) {
    await stop();
    throw err;
  }
  return { name, stop };
}

/** Pull the images (a throwaway stage per image) and run each frontend once, so no measured build pays a pull. */
async function warmUp(builder: string, root: string, warm: Warmup): Promise<void> {
  const pull = join(root, "pull.Dockerfile");
  writeFileSync(pull, warm.images.map((image, i) => `FROM ${image} AS s${i}\nRUN true\n`).join("") + `FROM scratch\n${warm.images.map((_, i) => `COPY --from=s${i} /etc/hostname /s${i}\n`).join("")}`);
  const runs = [
    ["-f", pull, "--output", "type=cacheonly", root],
    ...warm.frontends.map((file) => ["-f", join(warm.dir, file), "--call", "outline", warm.dir]),
  ];
  for (const args of runs) {
    const res = await run("docker", ["buildx", "build", "--builder", builder, "-q", ...args]);
    if (res.code !== 0) throw new Error(`fresh builder warm-up (${args.join(" ")}): ${res.stderr.trim().slice(-1500)}`);
  }
}
