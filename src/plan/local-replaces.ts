/** go.mod's local replace targets, as directories the download step must see. */
import { posix } from "node:path";
import { GoModError } from "../gomod/go-mod-error.js";
import type { GoModReplace, ParsedGoMod } from "../gomod/types.js";

/** Where the Go steps see the module root; external replaces resolve against it. */
export const MODULE_ROOT = "/src";

/**
 * Cleaned, de-duplicated directories of the local replaces inside the build
 * context, relative to the module root, in go.mod order. Targets outside the
 * context come as named contexts (externalReplaces), not from the context.
 */
export function localReplaceDirs(goMod: ParsedGoMod): string[] {
  const dirs = new Set<string>();
  for (const r of goMod.replace) {
    if (!r.local) continue;
    const dir = cleanDir(r.to.path);
    if (!leavesContext(dir)) dirs.add(dir);
  }
  return [...dirs];
}

// "./libs/auth/" → "libs/auth", "./" → "."; Windows spellings are kept as written for the go command to judge.
function cleanDir(path: string): string {
  if (path.includes("\\") || /^[A-Za-z]:/.test(path)) return path;
  const normal = posix.normalize(path);
  return normal.length > 1 ? normal.replace(/\/+$/, "") : normal;
}

/** A replace target outside the context, supplied as a named build context and mounted where it resolves. */
export interface ExternalReplace {
  /** The named context (`--build-context NAME=PATH`). */
  readonly context: string;
  /** Absolute path in the Go steps: the target resolved against the module at /src. */
  readonly mountPath: string;
}

/**
 * BuildKit sends only the context directory, so a replace that points out of
 * it would make `go mod download` fail inside the build with a bare "no such
 * file". Such a target can come as a named build context named after its
 * directory; without one, say so on the go.mod line. A target that resolves
 * onto the builder's system or the steps' own directories is refused: mounted
 * there it would hide the Go toolchain, the module cache or the output.
 */
export function externalReplaces(goMod: ParsedGoMod, namedContexts: ReadonlySet<string>, filename = "go.mod"): ExternalReplace[] {
  const out = new Map<string, ExternalReplace>();
  for (const r of goMod.replace) {
    if (!r.local) continue;
    const dir = cleanDir(r.to.path);
    if (!leavesContext(dir)) continue;
    const mountPath = posix.join(MODULE_ROOT, dir);
    const name = posix.basename(mountPath);
    if (!dir.startsWith("/")) {
      const taken = reservedPathAt(mountPath);
      if (taken !== undefined) throw collisionError(filename, r, mountPath, taken);
      if (namedContexts.has(name)) {
        if (!out.has(mountPath)) out.set(mountPath, { context: name, mountPath });
        continue;
      }
    }
    throw new GoModError(
      filename,
      r.line,
      1,
      `replace ${r.from.path} => ${r.to.path} points outside the build context, which is all the build can see: ` +
        `pass it as a named context (docker buildx build --build-context ${name}=<path to ${dir}> ...), or build from a directory that holds both`,
    );
  }
  return [...out.values()];
}

/** A cleaned, context-relative path that points out of the build context. */
export function leavesContext(dir: string): boolean {
  return dir === ".." || dir.startsWith("../") || dir.startsWith("/");
}

// Top-level directories of the builder's system and of the Go steps
// (/src, /out, /go/pkg/mod, /root/.cache/go-build, /var/cache/slimgo, /tmp,
// /rootfs and /slimgo-*). A replace mounted in or over one of them would
// shadow what the steps run or write.
const RESERVED_TOP_LEVEL = new Set([
  "bin", "boot", "dev", "etc", "go", "lib", "lib32", "lib64", "libx32", "proc", "root", "run", "sbin", "sys", "tmp", "usr", "var",
  "src", "out", "rootfs",
]);

/** The reserved directory an absolute path in the Go steps falls in, or undefined when the path is free. */
export function reservedPathAt(path: string): string | undefined {
  const top = path.split("/")[1] ?? "";
  if (top === "") return "/";
  return RESERVED_TOP_LEVEL.has(top) || top.startsWith("slimgo") ? `/${top}` : undefined;
}

function collisionError(filename: string, r: GoModReplace, mountPath: string, taken: string): GoModError {
  const where = taken === "/" ? "the root of the build's filesystem" : `inside ${taken}, which the Go steps need (the builder's system, the toolchain, caches or output)`;
  return new GoModError(
    filename,
    r.line,
    1,
    `replace ${r.from.path} => ${r.to.path} resolves to ${mountPath} in the build, ${where}: ` +
      `build from a directory that holds both modules (a go.work there can use them), or move the replaced module so its path does not resolve into ${taken}`,
  );
}
