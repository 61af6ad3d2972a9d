/** .dockerignore → exclude patterns, as BuildKit's local source expects them. */
import { posix } from "node:path";

/** Lines without comments and blanks; "!" exceptions kept (BuildKit understands them). */
export function parseDockerignore(data: Uint8Array | undefined): string[] {
  if (data === undefined) return [];
  const patterns: string[] = [];
  for (const raw of new TextDecoder().decode(data).split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const negate = line.startsWith("!");
    // As Docker reads it: clean the path, then drop one leading slash.
    let pattern = posix.normalize((negate ? line.slice(1) : line).trim());
    if (pattern.length > 1 && pattern.endsWith("/")) pattern = pattern.slice(0, -1);
    if (pattern.length > 1 && pattern.startsWith("/")) pattern = pattern.slice(1);
    patterns.push(negate ? `!${pattern}` : pattern);
  }
  return patterns;
}

/** True when the patterns leave out the context's top-level .git (the usual spellings; negations undo it). */
export function excludesGit(patterns: readonly string[]): boolean {
  let excluded = false;
  for (const p of patterns) {
    const negated = p.startsWith("!");
    const body = (negated ? p.slice(1) : p).replace(/^\/+/, "").replace(/\/+$/, "");
    if (body === ".git" || body === "**/.git" || body === ".git/**" || body === "**/.git/**" || body === "*" || body === "**") excluded = !negated;
  }
  return excluded;
}
