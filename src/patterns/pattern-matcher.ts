/**
 * Include/exclude patterns as BuildKit's matcher (moby/patternmatcher) judges
 * them: patterns are cleaned paths where "*" and "?" stay within a segment,
 * "**" spans segments, "[...]" is a class and "\" escapes; "!" makes an
 * exception. The last pattern that matches a path, or one of its parent
 * directories, decides. Walks pass each directory's per-pattern results down
 * to its entries, so a pattern that matched a parent is not tried again.
 */
import { posix } from "node:path";

/** A malformed pattern, named with the list it came from. */
export class PatternError extends Error {
  override name = "PatternError";
}

type Test = (path: string) => boolean;

export interface Pattern {
  /** The cleaned pattern without its "!". */
  readonly text: string;
  readonly exclusion: boolean;
  readonly test: Test;
}

/** Per-pattern results for a directory, handed to its entries. */
export type MatchInfo = readonly boolean[];

export class PatternMatcher {
  readonly patterns: readonly Pattern[];
  readonly exclusions: boolean;

  /** Throws PatternError naming the first malformed pattern. */
  constructor(raw: readonly string[]) {
    const patterns: Pattern[] = [];
    for (const line of raw) {
      let text = line.trim();
      if (text === "") continue;
      text = posix.normalize(text);
      if (text.length > 1 && text.endsWith("/")) text = text.slice(0, -1);
      let exclusion = false;
      if (text.startsWith("!")) {
        if (text.length === 1) throw new PatternError('illegal exclusion pattern: "!"');
        exclusion = true;
        text = text.slice(1);
      }
      const problem = syntaxProblem(text);
      if (problem !== undefined) throw new PatternError(`pattern ${JSON.stringify(line)}: ${problem}`);
      patterns.push({ text, exclusion, test: compile(text) });
    }
    this.patterns = patterns;
    this.exclusions = patterns.some((p) => p.exclusion);
  }

  /** Whether `path` (or a parent) is matched, and the results its entries inherit. */
  matchWithParent(path: string, parent: MatchInfo | undefined): { matched: boolean; info: MatchInfo } {
    const info: boolean[] = [];
    let matched = false;
    this.patterns.forEach((pattern, i) => {
      let match = parent !== undefined && parent.length > 0 ? parent[i]! : false;
      if (!match) {
        // An inclusion cannot change a matched path, nor an exception an unmatched one.
        if (pattern.exclusion !== matched) {
          info.push(false);
          return;
        }
        match = pattern.test(path);
        if (!match && (parent === undefined || parent.length === 0)) match = parentsOf(path).some(pattern.test);
      }
      info.push(match);
      if (match) matched = !pattern.exclusion;
    });
    return { matched, info };
  }

  /** Whether `path` or one of its parents is matched, with no walk state. */
  matchesOrParentMatches(path: string): boolean {
    return this.matchWithParent(path, undefined).matched;
  }
}

/** "a/b/c" → ["a", "a/b"]. */
function parentsOf(path: string): string[] {
  const parts = path.split("/");
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join("/"));
  return out;
}

/** Go's filepath.Match rejects these; so does BuildKit before any path is judged. */
function syntaxProblem(p: string): string | undefined {
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === "\\") {
      if (++i >= p.length) return "ends in an escape (\\)";
    } else if (ch === "[") {
      i++;
      if (p[i] === "^") i++;
      let ranges = 0;
      for (;;) {
        if (i >= p.length) return "unterminated character class ([)";
        if (p[i] === "]" && ranges > 0) break;
        const lo = classChar(p, i);
        if (lo === undefined) return "malformed character class";
        i = lo;
        if (p[i] === "-") {
          const hi = classChar(p, i + 1);
          if (hi === undefined) return "malformed character range";
          i = hi;
        }
        ranges++;
      }
    }
  }
  return undefined;
}

/** Index after one class character at `i`, or undefined when it cannot start there. */
function classChar(p: string, i: number): number | undefined {
  const ch = p[i];
  if (ch === undefined || ch === "-" || ch === "]") return undefined;
  if (ch === "\\") return i + 1 < p.length ? i + 2 : undefined;
  return i + 1;
}

/** The pattern as a test: exact, prefix ("a**"), suffix ("**a") or a regular expression, like BuildKit's. */
function compile(pattern: string): Test {
  let re = "";
  let kind: "exact" | "prefix" | "suffix" | "regexp" = "exact";
  const chars = [...pattern];
  for (let i = 0, step = 0; i < chars.length; i++, step++) {
    const ch = chars[i]!;
    if (ch === "*" && chars[i + 1] === "*") {
      i++;
      if (chars[i + 1] === "/") i++;
      if (i + 1 >= chars.length) {
        if (kind === "exact") kind = "prefix";
        else {
          re += ".*";
          kind = "regexp";
        }
      } else {
        re += "(.*/)?";
        kind = "regexp";
      }
      if (step === 0) kind = "suffix";
    } else if (ch === "*") {
      re += "[^/]*";
      kind = "regexp";
    } else if (ch === "?") {
      re += "[^/]";
      kind = "regexp";
    } else if (".+()|{}$".includes(ch)) {
      re += `\\${ch}`;
    } else if (ch === "\\") {
      if (i + 1 < chars.length) {
        re += `\\${chars[++i]}`;
        kind = "regexp";
      } else re += "\\\\";
    } else if (ch === "[" || ch === "]") {
      re += ch;
      kind = "regexp";
    } else {
      re += ch;
    }
  }
  switch (kind) {
    case "exact":
      return (path) => path === pattern;
    case "prefix": {
      const prefix = pattern.slice(0, -2);
      return (path) => path.startsWith(prefix);
    }
    case "suffix": {
      const suffix = pattern.slice(2);
      return (path) => path.endsWith(suffix) || (suffix.startsWith("/") && path === suffix.slice(1));
    }
    case "regexp": {
      let compiled: RegExp;
      try {
        compiled = new RegExp(`^${re}$`);
      } catch {
        throw new PatternError(`pattern ${JSON.stringify(pattern)}: not a valid pattern`);
      }
      return (path) => compiled.test(path);
    }
  }
}
