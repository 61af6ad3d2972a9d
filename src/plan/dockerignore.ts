/**
 * .dockerignore: its lines as BuildKit's local source takes them, and whether
 * they leave out a given path, judged as BuildKit's matcher judges it: the
 * last pattern that matches the path or one of its parent directories wins,
 * and a "!" pattern brings the path back.
 */
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

/** True when `path` (slash-separated, relative to the context) is left out of the context by `patterns`. */
export function isExcluded(path: string, patterns: readonly string[]): boolean {
  const file = posix.normalize(path);
  if (file === ".") return false;
  const parents = file.split("/").slice(0, -1);
  const candidates = [file, ...parents.map((_, i) => parents.slice(0, i + 1).join("/"))];
  let excluded = false;
  for (const raw of patterns) {
    const negated = raw.startsWith("!");
    // An inclusion cannot change an excluded path, nor an exception an included one.
    if (negated !== excluded) continue;
    const matches = patternMatcher(posix.normalize(negated ? raw.slice(1) : raw));
    if (candidates.some(matches)) excluded = !negated;
  }
  return excluded;
}

/**
 * One pattern as a test on a path: "*" and "?" stay within a path segment,
 * "**" spans any number of them (a leading "**\/" also matches no directory
 * at all), "[...]" is a character class, and "\" escapes the next character.
 */
function patternMatcher(pattern: string): (path: string) => boolean {
  // A leading "**" with no other wildcard after it is a plain suffix test ("**.go" matches "a/b.go").
  const suffix = pattern.slice(2);
  if (pattern.startsWith("**") && !/[*?[\]\\]/.test(suffix)) {
    return (path) => path.endsWith(suffix) || (suffix.startsWith("/") && path === suffix.slice(1));
  }
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "*" && pattern[i + 1] === "*") {
      i++;
      if (pattern[i + 1] === "/") i++;
      re += i + 1 >= pattern.length ? ".*" : "(.*/)?";
    } else if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "\\" && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else if (ch === "[" || ch === "]") re += ch;
    else re += ch.replace(/[.+()|{}$^\\]/g, "\\$&");
  }
  let compiled: RegExp;
  try {
    compiled = new RegExp(`^${re}$`);
  } catch {
    return () => false; // BuildKit refuses such a pattern before any path is judged
  }
  return (path) => compiled.test(path);
}
