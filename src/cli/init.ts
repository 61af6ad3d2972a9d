/**
 * `slimgo init`: a commented slimgo.yaml from go.mod and the main packages
 * found in the module, so the first build works without reading docs.
 */
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseGoMod } from "../gomod/index.js";
import { chooseGoVersion, defaultBinaryName } from "../plan/index.js";
import { inLinuxBuild } from "./build-constraints.js";

export interface InitOptions {
  readonly dir: string;
  readonly specFile: string;
  /** The `# syntax=` image. */
  readonly syntax: string;
  readonly force: boolean;
}

/** Directories go build never looks in, and nested modules (their own go.mod). */
const SKIP = new Set(["vendor", "testdata", "node_modules"]);

export class InitError extends Error {
  override name = "InitError";
}

/** Writes the spec; returns what was written, for the summary line. */
export function initSpec(opts: InitOptions): { path: string; mains: string[]; text: string } {
  const path = join(opts.dir, opts.specFile);
  if (existsSync(path) && !opts.force) throw new InitError(`${opts.specFile} already exists: edit it, or run slimgo init --force to replace it`);
  const goModPath = join(opts.dir, "go.mod");
  if (!existsSync(goModPath)) throw new InitError(`no go.mod in ${opts.dir}: run "go mod init example.com/app" there first, or pass the module's directory`);
  const goMod = parseGoMod(readFileSync(goModPath, "utf8"), "go.mod");
  const scan = scanModule(opts.dir);
  if (scan.mains.length === 0) throw new InitError(`no main package in ${opts.dir}: slimgo builds a program (package main with func main)`);
  const version = chooseGoVersion(undefined, goMod);
  const text = specText({ ...opts, mains: scan.mains, cgo: scan.cgo, module: goMod.module, go: "version" in version ? version.version : undefined, schema: schemaPath(opts.dir) });
  // Written whole or not at all.
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
  return { path, mains: scan.mains, text };
}

interface SpecParts {
  readonly syntax: string;
  readonly mains: readonly string[];
  readonly cgo: boolean;
  readonly module: string;
  readonly go: string | undefined;
  readonly schema: string | undefined;
}

function specText(p: SpecParts): string {
  const lines = [`# syntax=${p.syntax}`];
  if (p.schema !== undefined) lines.push(`# yaml-language-server: $schema=${p.schema}`);
  lines.push("# Build: docker buildx build -f slimgo.yaml -t app .   Check offline: slimgo check");
  lines.push("# Private modules: add --build-arg GOPRIVATE=git.corp.example --secret id=netrc,src=$HOME/.netrc (or --ssh default, or --secret id=goauth,src=FILE for a bearer token)");
  if (p.go !== undefined) lines.push(`# Go ${p.go} comes from go.mod; set go: "1.x" to pin another.`);
  if (p.cgo) {
    lines.push("# This module has C code (import \"C\"): the image ships the loader and libraries it needs.", "cgo: true");
  } else {
    lines.push("# cgo: false          # static binary (the default); true if the program needs C code");
  }
  lines.push(
    "# base: static         # static (CA certs, tzdata, nonroot user), scratch, distroless or an image",
    "# ports: [8080]",
    "# env: {LOG_LEVEL: info}",
    "# ldflags: -X main.version=${VERSION}   # --build-arg VERSION=1.2.3 (default dev)",
  );
  const [only] = p.mains;
  if (p.mains.length === 1 && only !== undefined) {
    lines.push(`main: ${only}`);
  } else {
    lines.push("# One image per main package: docker buildx build --target NAME (the first is the default).", "targets:");
    const names = new Set<string>();
    for (const main of p.mains) {
      let name = defaultBinaryName(p.module, main).replace(/[^A-Za-z0-9_.-]/g, "-");
      while (names.has(name)) name = `${name}-2`;
      names.add(name);
      lines.push(`  ${name}:`, `    main: ${main}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Main packages as "./cmd/x" (sorted, "." first), and whether any package uses cgo. */
export function scanModule(root: string): { mains: string[]; cgo: boolean } {
  const mains: string[] = [];
  let cgo = false;
  const walk = (dir: string, rel: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    let isMain = false;
    for (const e of entries) {
      if (!e.isFile() || !e.name.endsWith(".go") || e.name.endsWith("_test.go")) continue;
      const src = readFileSync(join(dir, e.name), "utf8");
      // Files for other systems (or go:build ignore generators) are not part of a Linux build.
      if (!inLinuxBuild(e.name, src, true)) continue;
      if (inLinuxBuild(e.name, src, false) && /^package\s+main\b/m.test(src) && /^func\s+main\s*\(\s*\)/m.test(src)) isMain = true;
      if (/^import\s+(\(\s*)?"C"/m.test(src) || /^\s+"C"\s*$/m.test(src)) cgo = true;
    }
    if (isMain) mains.push(rel === "" ? "." : `./${rel}`);
    for (const e of entries) {
      if (!e.isDirectory() || SKIP.has(e.name) || e.name.startsWith(".") || e.name.startsWith("_")) continue;
      const child = join(dir, e.name);
      if (existsSync(join(child, "go.mod"))) continue;
      walk(child, rel === "" ? e.name : `${rel}/${e.name}`);
    }
  };
  walk(root, "");
  return { mains, cgo };
}

// The schema shipped beside the CLI, relative to the project so the line works from any checkout.
function schemaPath(dir: string): string | undefined {
  let here = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(here, "schema", "slimgo.schema.json");
    if (existsSync(candidate)) return relative(dir, candidate) || candidate;
    here = dirname(here);
  }
  return undefined;
}
