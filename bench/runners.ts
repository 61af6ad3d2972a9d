/**
 * One interface per way of building the workload: BuildKit (a build definition
 * through buildx), ko, and the host's `go build` (the limit). Each method times
 * only the build; preparation (a fresh builder, emptied caches) is outside.
 */
import { execFile } from "node:child_process";
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { run } from "../test/support/docker.js";
import type { GoProxy } from "../scripts/goproxy.js";
import type { Contender } from "./contenders.js";
import type { Ko } from "./ko.js";
import { REGISTRY } from "./registry.js";

export interface Sample {
  readonly seconds: number;
  /** Module zips the GOPROXY served during the build. */
  readonly zips: number;
  /** Seconds of the `go build` step(s) in the progress log; 0 when cached. */
  readonly compile?: number;
  /** Packages the build step compiled, where the log says (slimgo's build step does). */
  readonly packages?: number;
  /** Seconds of each STEPS step in the progress log (0: cached or absent); BuildKit contenders only. */
  readonly steps?: Record<string, number>;
}

/**
 * The Go steps whose time the report shows, by a piece of their progress name: slimgo's steps, and the
 * expert Dockerfile's two RUN steps (their commands hold "go mod download" and "go build").
 */
export const STEPS = [
  "go mod download",
  "go list -deps",
  "compile the standard library",
  "compile the dependencies",
  "compile the main module",
  "go build",
] as const;

export interface Size {
  readonly bytes: number;
  readonly note: string;
}

export interface Runner {
  readonly name: string;
  /** With empty build caches; BuildKit contenders build on `freshBuilder`, which nothing of theirs has used. */
  cold(freshBuilder: string): Promise<Sample>;
  /** The workload as it is now, as an image in the engine (or a binary on the host). */
  build(): Promise<Sample>;
  /** linux/amd64 as an OCI export, or why not. */
  readonly amd64: (() => Promise<Sample>) | string;
  /** linux/amd64 and linux/arm64 at once, or why not. */
  readonly multi: (() => Promise<Sample>) | string;
  size(): Promise<Size>;
  /** Export a registry cache of the workload, then (after a change) build on an empty builder from it; or why not. */
  readonly registryCache: { exportCache(): Promise<Sample>; buildFrom(freshBuilder: string): Promise<Sample> } | string;
}

async function timed(proxy: GoProxy, body: () => unknown): Promise<{ seconds: number; zips: number }> {
  proxy.reset();
  const t0 = performance.now();
  await body();
  return { seconds: (performance.now() - t0) / 1000, zips: proxy.zips().length };
}

/** Durations of the steps whose name holds `go build`, from a plain-progress log. */
export function compileSeconds(log: string): number {
  return stepSeconds(log, "go build");
}

/** Durations of the steps whose name holds `needle`, from a plain-progress log. */
export function stepSeconds(log: string, needle: string): number {
  // A step's output lines start with its id too ("#10 0.512 …"): count each step once.
  const ids = new Set([...log.matchAll(/^#(\d+) (?:\[[^\]]*\] )?(.*)$/gm)].filter((m) => (m[2] ?? "").includes(needle)).map((m) => m[1]));
  let total = 0;
  for (const id of ids) {
    const done = new RegExp(`^#${id} DONE ([0-9.]+)s$`, "m").exec(log);
    total += done ? Number(done[1]) : 0;
  }
  return Math.round(total * 10) / 10;
}

/**
 * Run a Go tool with extra environment; throws with its stderr on failure.
 * Asynchronous on purpose: the GOPROXY it fetches from is served by this process.
 */
export function runChecked(cmd: string, args: readonly string[], cwd: string, env: Record<string, string>): Promise<string> {
  const fullEnv = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod", GOSUMDB: "off", ...env };
  return new Promise((ok, fail) =>
    execFile(cmd, args, { cwd, env: fullEnv, maxBuffer: 64 << 20, encoding: "utf8" }, (err, stdout, stderr) =>
      err === null ? ok(stdout) : fail(new Error(`${cmd} ${args.join(" ")} failed in ${cwd}:\n${stderr.slice(-3000)}`)),
    ),
  );
}

export interface BuildKitSetup {
  readonly dir: string;
  readonly proxy: GoProxy;
  /** Wall-clock spans (ms since the epoch) of each build on the engine's builder, per contender. */
  readonly spans: Array<{ contender: string; start: number; end: number }>;
  /** Names the images and registry caches of a project other than the generated workload. */
  readonly project?: string;
}

/** Image tags must be lowercase; one per contender and project. */
const imageTag = (c: Contender, project = "") =>
  `slimgo-bench-${project ? `${project}-` : ""}${c.file.toLowerCase().replace(/[^a-z0-9]+/g, "-")}:latest`.replace(/-+/g, "-");

/** slimgo's build step prints how many packages `go build` compiled. */
export function compiledPackages(log: string): number | undefined {
  const counts = [...log.matchAll(/slimgo: compiled (\d+) packages?/g)].map((m) => Number(m[1]));
  return counts.length > 0 ? counts.reduce((a, b) => a + b, 0) : undefined;
}

export function buildKitRunner(c: Contender, s: BuildKitSetup): Runner {
  const tag = imageTag(c, s.project);
  const cacheRef = `${REGISTRY}/bench-cache/${tag.replace(/:latest$/, "")}`;
  async function build(extra: string[] = [], builder = "default"): Promise<Sample> {
    // --builder always: another user of this engine may have switched the current builder.
    const args = ["buildx", "build", "--builder", builder, "--progress=plain", "-f", join(s.dir, c.file), "--network=host"];
    args.push("--build-arg", `GOPROXY=${s.proxy.url}`, "--build-arg", "GOSUMDB=off");
    const output = extra.includes("--platform") ? ["--output", "type=oci,dest=/dev/null"] : ["-t", tag, "--load"];
    let res = { code: 0, stdout: "", stderr: "" };
    const start = Date.now();
    const t = await timed(s.proxy, async () => void (res = await run("docker", [...args, ...output, ...extra, s.dir])));
    if (builder === "default") s.spans.push({ contender: c.name, start, end: Date.now() });
    if (res.code !== 0) throw new Error(`${c.name} build failed (docker ${[...args, ...extra].join(" ")}):\n${res.stderr.slice(-3000)}`);
    const packages = compiledPackages(res.stderr);
    const steps = Object.fromEntries(STEPS.map((n) => [n, stepSeconds(res.stderr, n)]));
    return { ...t, compile: compileSeconds(res.stderr), steps, ...(packages === undefined ? {} : { packages }) };
  }
  return {
    name: c.name,
    cold: (freshBuilder) => build([], freshBuilder),
    build: () => build(),
    amd64: () => build(["--platform", "linux/amd64"]),
    multi: c.crossCompiles ? () => build(["--platform", "linux/amd64,linux/arm64"]) : "n/a: needs QEMU, which this machine does not have",
    async size() {
      await build();
      const inspect = JSON.parse((await run("docker", ["image", "inspect", tag])).stdout)[0];
      return { bytes: inspect.Size as number, note: "" };
    },
    registryCache: {
      exportCache: () => build(["--cache-to", `type=registry,ref=${cacheRef},mode=max`]),
      buildFrom: (freshBuilder) => build(["--cache-from", `type=registry,ref=${cacheRef}`], freshBuilder),
    },
  };
}

export function koRunner(ko: Ko, proxy: GoProxy): Runner {
  const local = () => timed(proxy, () => ko.build({ output: "local" }));
  return {
    name: "ko",
    async cold() {
      await ko.emptyCaches();
      return local();
    },
    build: local,
    amd64: () => timed(proxy, () => ko.build({ output: "amd64" })),
    multi: () => timed(proxy, () => ko.build({ output: "amd64+arm64" })),
    async size() {
      await ko.build({ output: "local" });
      const inspect = JSON.parse((await run("docker", ["image", "inspect", ko.lastImage])).stdout)[0];
      return { bytes: inspect.Size as number, note: "" };
    },
    registryCache: "n/a: ko has no BuildKit cache to export; a fresh runner is its cold row unless CI saves GOCACHE and GOMODCACHE",
  };
}

/** The host's own `go build` with its own caches: the limit for a build that changes one line. */
export function hostRunner(dir: string, cacheRoot: string, proxy: GoProxy): Runner {
  const cache = join(cacheRoot, "host-go");
  const out = join(cacheRoot, "host-bin");
  const goBuild = (goarch: string) =>
    runChecked("go", ["build", "-trimpath", "-ldflags", "-s -w", "-o", join(out, goarch, "app"), "./cmd/server"], dir, {
      CGO_ENABLED: "0",
      GOOS: "linux",
      GOARCH: goarch,
      GOCACHE: join(cache, "go-build"),
      GOMODCACHE: join(cache, "mod"),
      GOPROXY: proxy.url,
    });
  const amd64 = () => timed(proxy, () => goBuild("amd64"));
  return {
    name: "host go build",
    async cold() {
      await run("chmod", ["-R", "u+w", cache]);
      rmSync(cache, { recursive: true, force: true });
      return amd64();
    },
    build: amd64,
    amd64: "n/a: no image",
    multi: () =>
      timed(proxy, async () => {
        await goBuild("amd64");
        await goBuild("arm64");
      }),
    async size() {
      await goBuild("amd64");
      return { bytes: statSync(join(out, "amd64", "app")).size, note: "the binary alone" };
    },
    registryCache: "n/a: no builder",
  };
}
