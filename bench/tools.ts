/**
 * The programs the benchmark needs beside the engine, installed once into
 * .cache/bench/bin (Go tools) or from Debian (apt), and skipped when present.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const BIN = resolve(".cache/bench/bin");
export const KO_VERSION = "v0.19.1";
export const BUILDKIT_VERSION = "v0.34.2";

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

/**
 * buildkitd and buildctl for the fresh builders. `go install …/cmd/buildkitd@v`
 * is refused (BuildKit's go.mod has exclude directives), so a throwaway module
 * requires BuildKit and builds its commands.
 */
export function ensureBuildkitd(): { buildkitd: string; buildctl: string } {
  const out = { buildkitd: join(BIN, "buildkitd"), buildctl: join(BIN, "buildctl") };
  if (existsSync(out.buildkitd) && existsSync(out.buildctl)) return out;
  mkdirSync(BIN, { recursive: true });
  process.stderr.write(`bench: building buildkitd ${BUILDKIT_VERSION} (about 2 minutes)\n`);
  const mod = mkdtempSync(join(tmpdir(), "slimgo-bench-buildkit-"));
  try {
    writeFileSync(join(mod, "go.mod"), "module bench.local/buildkit\n\ngo 1.24\n");
    const go = (...args: string[]) => execFileSync("go", args, { cwd: mod, env: goEnv, stdio: ["ignore", "ignore", "inherit"] });
    go("get", `github.com/moby/buildkit/cmd/buildkitd@${BUILDKIT_VERSION}`, `github.com/moby/buildkit/cmd/buildctl@${BUILDKIT_VERSION}`);
    go("build", "-ldflags", `-X github.com/moby/buildkit/version.Version=${BUILDKIT_VERSION}`, "-o", `${BIN}/`, "github.com/moby/buildkit/cmd/buildkitd", "github.com/moby/buildkit/cmd/buildctl");
  } finally {
    rmSync(mod, { recursive: true, force: true });
  }
  return out;
}
