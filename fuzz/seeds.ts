/** Seed inputs read from the repository: fixture projects, examples and goldens. */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Every file under `dirs` (relative to root) whose name passes `want`, sorted by path for a stable corpus. */
export function findFiles(root: string, dirs: readonly string[], want: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (name === "node_modules" || name === ".git") continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (want(name)) out.push(relative(root, path));
    }
  };
  for (const d of dirs) walk(join(root, d));
  return out.sort();
}

/** The files' texts, in path order. */
export function readTexts(root: string, paths: readonly string[]): string[] {
  return paths.map((p) => readFileSync(join(root, p), "utf8"));
}
