/**
 * The programs the benchmark needs beside the engine, installed once into
 * .cache/bench/bin (Go tools) or from Debian (apt), and skipped when present.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

export const BIN = resolve(".cache/bench/bin");
export const KO_VERSION = "v0.19.1";

const goEnv = { ...process.env, GOTOOLCHAIN: "local", GOBIN: BIN, CGO_ENABLED: "0" };

function onPath(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

/** Debian packages: `docker-registry` (the loopback registry) and `gnuplot-nox` (the chart). */
export function ensureAptPackages(): void {
  const missing = [
    ["docker-registry", "docker-registry"],
    ["gnuplot", "gnuplot-nox"],
  ].filter(([cmd]) => !onPath(cmd as string));
  if (missing.length === 0) return;
  const pkgs = missing.map(([, pkg]) => pkg as string);
  process.stderr.write(`bench: apt-get install ${pkgs.join(" ")}\n`);
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", ...pkgs], { stdio: ["ignore", "ignore", "inherit"] });
}

/** ko, built by `go install` on the host. */
export function ensureKo(): string {
  const ko = join(BIN, "ko");
  if (existsSync(ko)) return ko;
  mkdirSync(BIN, { recursive: true });
  process.stderr.write(`bench: go install github.com/google/ko@${KO_VERSION}\n`);
  execFileSync("go", ["install", `github.com/google/ko@${KO_VERSION}`], { env: goEnv, stdio: ["ignore", "ignore", "inherit"] });
  return ko;
}

/** buildkitd, buildctl and runc for the fresh builders: the pinned build and set-up the remote suite uses (scripts/buildkit). */
export function ensureBuildkitd(): void {
  execFileSync("bash", ["scripts/buildkit/setup.sh"], { stdio: ["ignore", "ignore", "inherit"] });
}
