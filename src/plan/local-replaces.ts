/** go.mod's local replace targets, as directories the download step must see. */
import { posix } from "node:path";
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
