/**
 * GOPRIVATE, read as Go reads it: comma-separated glob patterns, each matched
 * against as many leading elements of a module path as the pattern has. The
 * plan uses it to name the private modules a failed download could not fetch,
 * and the hosts whose https:// URLs git fetches over SSH when an agent is there.
 */
import type { GoModRequire, ParsedGoMod } from "../gomod/types.js";

/** The GOPRIVATE patterns, empty ones dropped (Go ignores them too). */
export function privatePatterns(goprivate: string | undefined): string[] {
  return (goprivate ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

/** Whether `path` has a leading run of elements that one of `patterns` matches (Go's MatchPrefixPatterns). */
export function matchesPrefixPatterns(patterns: readonly string[], path: string): boolean {
  const elems = path.split("/");
  return patterns.some((pattern) => {
    const n = pattern.split("/").length;
    if (elems.length < n) return false;
    return globMatch(pattern, elems.slice(0, n).join("/"));
  });
}

/** go.mod's requirements that GOPRIVATE names, in go.mod order. */
export function privateRequires(goMod: ParsedGoMod, patterns: readonly string[]): GoModRequire[] {
  return patterns.length === 0 ? [] : goMod.require.filter((r) => matchesPrefixPatterns(patterns, r.path));
}

const GLOB_META = /[*?[\\]/;

/**
 * Hosts named literally at the head of a GOPRIVATE pattern ("git.corp.example/team/*" → git.corp.example),
 * sorted and unique. A host that is itself a glob cannot be an insteadOf prefix and is left out.
 */
export function privateHosts(patterns: readonly string[]): string[] {
  const hosts = new Set<string>();
  for (const p of patterns) {
    const host = p.split("/")[0] ?? "";
    // A dot tells a host from a bare first element; git config keys hold no spaces or quotes either.
    if (host.includes(".") && !GLOB_META.test(host) && /^[A-Za-z0-9.:-]+$/.test(host)) hosts.add(host.toLowerCase());
  }
  return [...hosts].sort();
}

/** path.Match for one '/'-free-per-element pattern: *, ?, [classes] and \ escapes; a malformed pattern matches nothing. */
export function globMatch(pattern: string, name: string): boolean {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? "";
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "\\") {
      const next = pattern[++i];
      if (next === undefined) return false;
      re += escapeRe(next);
    } else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) return false;
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith("^");
      if (negate) body = body.slice(1);
      if (body === "") return false;
      re += `[${negate ? "^/" : ""}${body.replace(/[\]\\^]/g, (m) => `\\${m}`)}]`;
      i = end;
    } else re += escapeRe(c);
  }
  try {
    return new RegExp(`${re}$`, "u").test(name);
  } catch {
    return false;
  }
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, (m) => `\\${m}`);
}
