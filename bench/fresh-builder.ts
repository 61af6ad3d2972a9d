/**
 * A builder with an empty BuildKit cache, without pruning the engine's shared
 * builder: a standalone buildkitd with its own state directory, attached to
 * buildx with the remote driver. It pulls images from the bench registry
 * (docker.io is mirrored there), so it starts with the base and frontend images
 * already pulled and nothing else: a CI runner with its images cached.
 *
 * Only what the benchmark needs; not a general way to run BuildKit.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

export async function startFreshBuilder(buildkitd: string, buildctl: string, warm: Warmup): Promise<FreshBuilder> {
  const root = mkdtempSync(join(tmpdir(), "slimgo-bench-buildkitd-"));
  const socket = `unix://${root}/buildkitd.sock`;
  // Its state on tmpfs: deleting an unpacked builder image from this disk took 90 s.
  const state = join(root, "state");
  mkdirSync(state);
  const onTmpfs = (await run("mount", ["-t", "tmpfs", "-o", "size=16g,mode=0700", "slimgo-bench-buildkitd", state])).code === 0;
  const name = `slimgo-bench-fresh-${process.pid}-${count++}`;
  writeFileSync(
    join(root, "buildkitd.toml"),
    [
      `root = "${state}"`,
      // Builds reach the loopback GOPROXY with --network=host, as on the engine.
      'insecure-entitlements = ["network.host"]',
      "[grpc]",
      `  address = ["${socket}"]`,
      "[worker.oci]",
      "  enabled = true",
      // No garbage collection during a measurement.
      "  gc = false",
      "[worker.containerd]",
      "  enabled = false",
      '[registry."docker.io"]',
      `  mirrors = ["${REGISTRY}"]`,
      `[registry."${REGISTRY}"]`,
      "  http = true",
      "",
    ].join("\n"),
  );
  const log = join(root, "buildkitd.log");
  const fd = openSync(log, "w");
  const proc: ChildProcess = spawn(buildkitd, ["--config", join(root, "buildkitd.toml")], { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((ok) => proc.once("exit", () => ok()));
  const fail = (what: string, detail: string) => {
    proc.kill("SIGTERM");
    if (onTmpfs) void exited.then(() => run("umount", ["--lazy", state]));
    return new Error(`fresh builder: ${what}: ${detail.trim().slice(-1500)}\nbuildkitd log: ${readFileSync(log, "utf8").slice(-1500)}`);
  };
  for (let i = 0; ; i++) {
    const res = await run(buildctl, ["--addr", socket, "debug", "workers"], { timeoutMs: 5000 });
    if (res.code === 0) break;
    if (i === 50 || proc.exitCode !== null) throw fail("buildkitd did not answer", res.stderr);
    await new Promise((ok) => setTimeout(ok, 200));
  }
  const create = await run("docker", ["buildx", "create", "--name", name, "--driver", "remote", socket]);
  if (create.code !== 0) throw fail("docker buildx create", create.stderr);
  const stop = async () => {
    await run("docker", ["buildx", "rm", name]);
    proc.kill("SIGTERM");
    await exited;
    if (onTmpfs) await run("umount", ["--lazy", state]);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await warmUp(name, root, warm);
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
