/** Small Go and C programs written to a temp dir and built with the host toolchains, for the ELF tests to read. */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const GO = existsSync("/usr/local/go/bin/go") ? "/usr/local/go/bin/go" : "go";
/** Offline, this toolchain only, module mode; the default build cache is reused so rebuilds are quick. */
export const GO_ENV: Readonly<Record<string, string>> = { GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod", GOPROXY: "off", GOOS: "linux" };

/** One program to build: which module, with what environment and flags. */
export interface BuildSpec {
  readonly module: "app" | "cgo";
  readonly env: Readonly<Record<string, string>>;
  readonly args?: readonly string[];
}

export interface Built {
  readonly path: string;
  readonly bytes: Uint8Array;
}

const FILES: Readonly<Record<string, string>> = {
  "lib/go.mod": "module example.com/lib\n\ngo 1.22\n",
  // Not inlined, so lib has code of its own in the binary.
  "lib/lib.go": 'package lib\n\n// Greeting is what the app prints.\n//go:noinline\nfunc Greeting() string { return "hello" }\n',
  "app/go.mod": "module example.com/app\n\ngo 1.22\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n",
  // println, not fmt: with a cold build cache only the runtime is compiled for each GOARCH.
  "app/main.go": 'package main\n\nimport "example.com/lib"\n\nfunc main() { println(lib.Greeting()) }\n',
  "cgo/go.mod": "module example.com/cgo\n\ngo 1.22\n",
  "cgo/main.go": 'package main\n\n// #include <stdlib.h>\nimport "C"\n\nfunc main() { C.free(C.malloc(1)) }\n',
  "hello.c": '#include <stdio.h>\nint main(void) { puts("c"); return 0; }\n',
};

/** A temp dir holding the sources; `dispose` removes it. */
export function writeSources(): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-elf-"));
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Build every spec concurrently; the names become the output file names. */
export async function goBuildAll(dir: string, specs: Readonly<Record<string, BuildSpec>>): Promise<Map<string, Built>> {
  const out = new Map<string, Built>();
  await Promise.all(
    Object.entries(specs).map(async ([name, spec]) => {
      const path = join(dir, `bin-${name}`);
      await run(GO, ["build", ...(spec.args ?? []), "-o", path, "."], {
        cwd: join(dir, spec.module),
        env: { ...process.env, ...GO_ENV, ...spec.env },
      });
      out.set(name, { path, bytes: readFileSync(path) });
    }),
  );
  return out;
}

/** Compile hello.c with gcc and the given flags. */
export async function gccBuild(dir: string, name: string, flags: readonly string[]): Promise<Built> {
  const path = join(dir, `bin-${name}`);
  await run("gcc", [...flags, "-O1", "-o", path, join(dir, "hello.c")]);
  return { path, bytes: readFileSync(path) };
}

/** True when `cmd --version` runs. */
export function hasTool(cmd: string): boolean {
  try {
    execFileSync(cmd, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** `go env GOVERSION` of the toolchain the tests build with. */
export function goVersion(): string {
  return execFileSync(GO, ["env", "GOVERSION"], { encoding: "utf8", env: { ...process.env, ...GO_ENV } }).trim();
}

/** A path of gcc's: where it would find `file` (libc.a, rcrt1.o), or undefined when it has none. */
export function gccFile(file: string): string | undefined {
  const p = execFileSync("gcc", [`-print-file-name=${file}`], { encoding: "utf8" }).trim();
  return p.includes("/") && existsSync(p) ? p : undefined;
}
