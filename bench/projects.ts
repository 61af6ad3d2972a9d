/**
 * Real Go projects the bench builds beside its generated workload, fetched at
 * pinned versions: traefik/whoami (a small service) from its git repository
 * and nats-server (a large single module) from the Go module proxy. Nothing of
 * theirs is kept in this repository; the copies live under .cache/bench.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export interface Project {
  /** Short lowercase name: image tags and cache refs. */
  readonly name: string;
  /** How the report names it. */
  readonly title: string;
  /** The main package, as the Dockerfiles and the spec name it. */
  readonly main: string;
  /** A Go file of the main package: the one-line change appends to it. */
  readonly editFile: string;
  /** Images a fresh builder needs beyond the expert's builder: slimgo follows go.mod's go line. */
  readonly images: readonly string[];
  /** Write the project's source into `dir` (empty, existing). */
  write(dir: string): void;
}

const CACHE = resolve(".cache/bench/projects");
const goEnv = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" };

/** traefik/whoami at the commit docs/build.md measured. SLIMGO_BENCH_WHOAMI_GIT: a clone or URL to read it from. */
const WHOAMI_COMMIT = "8951300";
const whoami: Project = {
  name: "whoami",
  title: `traefik/whoami (${WHOAMI_COMMIT})`,
  main: ".",
  editFile: "app.go",
  images: ["golang:1.24-bookworm"],
  write(dir) {
    const source = process.env["SLIMGO_BENCH_WHOAMI_GIT"] ?? "https://github.com/traefik/whoami.git";
    const gitDir = join(CACHE, "whoami.git");
    if (!existsSync(gitDir)) {
      cacheDir();
      execFileSync("git", ["clone", "--bare", "--quiet", source, gitDir], { stdio: ["ignore", "ignore", "inherit"] });
    }
    const tar = execFileSync("git", ["--git-dir", gitDir, "archive", "--format=tar", WHOAMI_COMMIT], { maxBuffer: 256 << 20 });
    execFileSync("tar", ["-x", "-C", dir], { input: tar });
  },
};

/** nats-server: one module, most of its code in one large package. */
const NATS_VERSION = "v2.15.2";
const natsServer: Project = {
  name: "nats",
  title: `nats-server (${NATS_VERSION})`,
  main: ".",
  editFile: "main.go",
  images: [],
  write(dir) {
    const out = execFileSync("go", ["mod", "download", "-json", `github.com/nats-io/nats-server/v2@${NATS_VERSION}`], {
      cwd: cacheDir(),
      env: goEnv,
      encoding: "utf8",
    });
    const { Dir: from, Error: error } = JSON.parse(out) as { Dir?: string; Error?: string };
    if (!from) throw new Error(`nats-server ${NATS_VERSION}: ${error ?? "go mod download gave no directory"}`);
    // The module cache is read-only; the copy must be editable.
    cpSync(from, dir, { recursive: true });
    execFileSync("chmod", ["-R", "u+w", dir]);
  },
};

function cacheDir(): string {
  mkdirSync(CACHE, { recursive: true });
  return CACHE;
}

export const PROJECTS: readonly Project[] = [whoami, natsServer];

/** Append (or replace) one line in the main package, different every time, so no cache holds the result. */
export function editProject(dir: string, p: Project, n: number): void {
  const file = join(dir, p.editFile);
  const marker = "\n// slimgo bench edit\n";
  const text = readFileSync(file, "utf8");
  const base = text.includes(marker) ? text.slice(0, text.indexOf(marker)) : text;
  writeFileSync(file, `${base}${marker}var _ = "edit ${n} ${Date.now()}"\n`);
}
