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

/**
 * BuildKit sends only the context directory, so a replace that points out of
 * it would make `go mod download` fail inside the build with a bare "no such
 * file". Say so on the go.mod line instead.
 */
export function checkReplacesInContext(goMod: ParsedGoMod, filename = "go.mod"): void {
  for (const r of goMod.replace) {
    if (!r.local) continue;
    const dir = cleanDir(r.to.path);
    if (dir === ".." || dir.startsWith("../") || dir.startsWith("/")) {
      throw new GoModError(
        filename,
        r.line,
        1,
        `replace ${r.from.path} => ${r.to.path} points outside the build context, which is all the build can see: ` +
          `build from a directory that holds both (docker buildx build -f <module>/slimgo.yaml <common parent>) or move the module inside this one`,
      );
    }
  }
}
