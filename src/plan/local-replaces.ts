/** go.mod's local replace targets, as directories the download step must see. */
import { posix } from "node:path";
import { GoModError } from "../gomod/go-mod-error.js";
import type { ParsedGoMod } from "../gomod/types.js";

/** Cleaned, de-duplicated directories of the local replaces, relative to the module root, in go.mod order. */
export function localReplaceDirs(goMod: ParsedGoMod): string[] {
  const dirs: string[] = [];
  for (const r of goMod.replace) {
    if (!r.local) continue;
    const dir = cleanDir(r.to.path);
    if (!dirs.includes(dir)) dirs.push(dir);
  }
  return dirs;
}

// "./libs/auth/" → "libs/auth", "./" → "."; Windows spellings are kept as written for the go command to judge.
function cleanDir(path: string): string {
  if (path.includes("\\") || /^[A-Za-z]:/.test(path)) return path;
  const normal = posix.normalize(path);
  return normal.length > 1 ? normal.replace(/\/+$/, "") : normal;
}

/** A replace target outside the context, supplied as a named build context and mounted where go expects it. */
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
 * directory; without one, say so on the go.mod line.
 */
export function externalReplaces(goMod: ParsedGoMod, namedContexts: ReadonlySet<string>, filename = "go.mod"): ExternalReplace[] {
  const out: ExternalReplace[] = [];
  for (const r of goMod.replace) {
    if (!r.local) continue;
    const dir = cleanDir(r.to.path);
    if (!leavesContext(dir)) continue;
    const mountPath = posix.join(MODULE_ROOT, dir);
    const name = posix.basename(mountPath);
    if (namedContexts.has(name) && !dir.startsWith("/") && mountPath !== "/" && !mountPath.startsWith(`${MODULE_ROOT}/`)) {
      if (!out.some((e) => e.mountPath === mountPath)) out.push({ context: name, mountPath });
      continue;
    }
    throw new GoModError(
      filename,
      r.line,
      1,
      `replace ${r.from.path} => ${r.to.path} points outside the build context, which is all the build can see: ` +
        `pass it as a named context (docker buildx build --build-context ${name}=<path to ${dir}> ...), or build from a directory that holds both`,
    );
  }
  return out;
}

/** A cleaned, context-relative path that points out of the build context. */
export function leavesContext(dir: string): boolean {
  return dir === ".." || dir.startsWith("../") || dir.startsWith("/");
}

/** Where the Go steps see the module root; external replaces resolve against it. */
export const MODULE_ROOT = "/src";
