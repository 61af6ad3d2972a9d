/**
 * .dockerignore: its lines as BuildKit's local source takes them, and whether
 * they leave out a given path, judged by the same matcher the session's
 * context walk uses.
 */
import { posix } from "node:path";
import { PatternError, PatternMatcher } from "../patterns/pattern-matcher.js";

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

/**
 * True when `path` (slash-separated, relative to the context) is left out of
 * the context by `patterns`. A malformed pattern excludes nothing here:
 * BuildKit refuses it, naming it, when the context is read.
 */
export function isExcluded(path: string, patterns: readonly string[]): boolean {
  const file = posix.normalize(path);
  if (file === ".") return false;
  try {
    return new PatternMatcher(patterns).matchesOrParentMatches(file);
  } catch (e) {
    if (e instanceof PatternError) return false;
    throw e;
  }
}
