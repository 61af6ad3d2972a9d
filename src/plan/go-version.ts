/** Which Go the builder runs: the spec's `go`, else go.mod's toolchain and go lines. */
import type { ParsedGoMod } from "../gomod/types.js";
import type { Problem } from "../spec/checks.js";

/** The chosen version, or where and why it could not be chosen. */
export type GoVersionChoice = { readonly version: string } | { readonly problem: Problem; readonly field: "go" | undefined };

interface GoVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number | undefined;
}

/** "1.24.3", "1.24", "1.25rc1" or "go1.24.3" → numbers; prerelease suffixes are ignored. */
export function parseGoVersion(text: string): GoVersion | undefined {
  const m = /^(?:go)?([0-9]+)\.([0-9]+)(?:\.([0-9]+))?(?:[a-z]+[0-9]+)?$/.exec(text);
  if (m === null) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? undefined : Number(m[3]) };
}

const majorMinor = (v: GoVersion) => `${v.major}.${v.minor}`;

// Compares to the precision of `a`: "1.24" satisfies "1.24.3" because golang:1.24 is the newest 1.24.x.
function olderThan(a: GoVersion, b: GoVersion): boolean {
  if (a.major !== b.major) return a.major < b.major;
  if (a.minor !== b.minor) return a.minor < b.minor;
  return a.patch !== undefined && a.patch < (b.patch ?? 0);
}

/**
 * The oldest Go series slimgo picks by itself. go.mod's go line is a minimum,
 * and older series have no -bookworm images and no security fixes; Go keeps
 * old modules' semantics (loop variables, …) by their go line, so a newer
 * toolchain builds them as written.
 */
export const OLDEST_DEFAULT_GO = "1.24";

/**
 * The spec's version as written; otherwise the newer of go.mod's toolchain and
 * go lines as major.minor (at least OLDEST_DEFAULT_GO), so the builder image tag
 * names a maintained series.
 */
export function chooseGoVersion(specGo: string | undefined, goMod: ParsedGoMod): GoVersionChoice {
  const goLine = goMod.go === undefined ? undefined : parseGoVersion(goMod.go);
  if (specGo !== undefined) {
    const wanted = parseGoVersion(specGo);
    if (wanted !== undefined && goLine !== undefined && olderThan(wanted, goLine)) {
      return {
        field: "go",
        problem: {
          message: `"${specGo}" is older than go.mod's "go ${goMod.go}", so go build would stop with "go.mod requires go >= ${goMod.go}"`,
          hint: `use "${majorMinor(goLine)}" or newer, or remove go: to follow go.mod`,
        },
      };
    }
    return { version: specGo };
  }
  // "toolchain default" names no version.
  const toolchain = goMod.toolchain === undefined ? undefined : parseGoVersion(goMod.toolchain);
  const candidates = [toolchain, goLine].filter((v): v is GoVersion => v !== undefined);
  const newest = candidates.reduce<GoVersion | undefined>((best, v) => (best === undefined || olderThan(best, v) ? v : best), undefined);
  const floor = parseGoVersion(OLDEST_DEFAULT_GO) as GoVersion;
  // Without a go line, go assumes "go 1.16", which the floor covers.
  return { version: majorMinor(newest === undefined || olderThan(newest, floor) ? floor : newest) };
}

/** True when go.mod's go line is older than `version`; a missing go line reads as "go 1.16", as go itself does. */
export function goLineBefore(goMod: ParsedGoMod, version: string): boolean {
  const line = parseGoVersion(goMod.go ?? "1.16");
  const than = parseGoVersion(version);
  return line === undefined || than === undefined || olderThan(line, than);
}
