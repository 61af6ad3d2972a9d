/**
 * Go binaries for the size tests, each built stripped (-s -w) and as its
 * unstripped twin: the small app of go-fixtures, a cgo one, and a program that
 * imports all of cobra for one flag (test/fixtures/projects/cobra-one-call),
 * whose modules come from the host's module cache or GOPROXY.
 */
import { execFile, execFileSync } from "node:child_process";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { fixturePath } from "../support/fixture.js";
import { GO, GO_ENV, type Built, writeSources } from "./go-fixtures.js";

const run = promisify(execFile);

export interface SizeBinary extends Built {
  readonly name: string;
  readonly stripped: boolean;
}

interface Program {
  readonly dir: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Fetch the cobra fixture's modules once; quick when the module cache has them. */
function download(dir: string): Record<string, string> {
  const env = { ...process.env, ...GO_ENV, GOPROXY: process.env["GOPROXY"] || "https://proxy.golang.org", GOFLAGS: "-mod=mod" };
  execFileSync(GO, ["mod", "download"], { cwd: dir, env, stdio: ["ignore", "ignore", "inherit"] });
  return { GOPROXY: env.GOPROXY };
}

/** Build every program twice (stripped and not) into a temp dir; `dispose` removes it. */
export async function buildSizeBinaries(): Promise<{ bins: Map<string, SizeBinary>; dispose: () => void }> {
  const src = writeSources();
  const cobra = join(src.dir, "cobra-one-call");
  cpSync(fixturePath("cobra-one-call"), cobra, { recursive: true });
  const proxy = download(cobra);
  const off = { CGO_ENABLED: "0" };
  const programs: Record<string, Program> = {
    small: { dir: join(src.dir, "app"), env: { ...off, GOARCH: "amd64" } },
    "small-arm64": { dir: join(src.dir, "app"), env: { ...off, GOARCH: "arm64" } },
    cobra: { dir: cobra, env: { ...off, ...proxy, GOARCH: "amd64" } },
    "cobra-arm64": { dir: cobra, env: { ...off, ...proxy, GOARCH: "arm64" } },
    cgo: { dir: join(src.dir, "cgo"), env: { CGO_ENABLED: "1", GOARCH: "amd64" } },
  };
  const bins = new Map<string, SizeBinary>();
  // Two at a time: the machine has two cores and other builds share them.
  const jobs = Object.entries(programs).flatMap(([name, p]) => [false, true].map((stripped) => ({ name: stripped ? `${name}-stripped` : name, p, stripped })));
  for (let i = 0; i < jobs.length; i += 2) {
    await Promise.all(
      jobs.slice(i, i + 2).map(async ({ name, p, stripped }) => {
        const path = join(src.dir, `bin-${name}`);
        await run(GO, ["build", ...(stripped ? ["-ldflags", "-s -w"] : []), "-o", path, "."], { cwd: p.dir, env: { ...process.env, ...GO_ENV, ...p.env } });
        bins.set(name, { name, stripped, path, bytes: readFileSync(path) });
      }),
    );
  }
  return { bins, dispose: src.dispose };
}

/** One line of `go tool nm -size -sort address`. */
export interface NmSymbol {
  readonly addr: number;
  readonly size: number;
  readonly type: string;
  readonly name: string;
}

export function goNm(path: string): NmSymbol[] {
  const out = execFileSync(GO, ["tool", "nm", "-size", "-sort", "address", path], { encoding: "utf8", maxBuffer: 256 << 20, env: { ...process.env, ...GO_ENV } });
  const syms: NmSymbol[] = [];
  for (const line of out.split("\n")) {
    const m = /^\s*([0-9a-f]+)\s+(\d+)\s+(\S)\s+(.*)$/.exec(line);
    if (m) syms.push({ addr: parseInt(m[1] ?? "0", 16), size: Number(m[2]), type: m[3] ?? "", name: m[4] ?? "" });
  }
  return syms;
}
