/**
 * `${NAME}` in ldflags, for version stamping: build args, plus a few names
 * slimgo always knows. The platform's names differ per target platform, so
 * they stay in the plan and the graph fills them in for each build step.
 */
import type { Problem } from "../spec/checks.js";
import type { ParsedSpec } from "../spec/types.js";
import { SOURCE_DATE_EPOCH, buildEpoch } from "./source-date-epoch.js";
import type { Platform } from "./types.js";

/** Filled in per target platform by expandPlatformVars. */
export const PLATFORM_VARS = ["TARGETOS", "TARGETARCH", "TARGETVARIANT", "TARGETPLATFORM"] as const;

/** Names with a value even when no build arg sets them. */
export const LDFLAGS_DEFAULTS: Readonly<Record<string, string>> = { VERSION: "dev", SOURCE_DATE_EPOCH: "0", DATE: "1970-01-01T00:00:00Z" };

/** The build's SOURCE_DATE_EPOCH (build arg, else commit time); the Unix epoch when there is none (a bad value is the plan's error to report). */
export function sourceDate(buildArgs: Readonly<Record<string, string>>, commitTime?: number): Date {
  const epoch = buildEpoch(buildArgs, commitTime);
  return new Date((typeof epoch === "number" ? epoch : 0) * 1000);
}

/** Facts slimgo reads itself, each of which a build arg of the same name overrides. */
export interface LdflagsFacts {
  /** The commit .git/HEAD names, when the context has .git. */
  readonly commit?: string;
  /** That commit's committer time, SOURCE_DATE_EPOCH when no build arg sets it. */
  readonly commitTime?: number;
}

/**
 * The names slimgo fills in beside the build args: ${DATE} is SOURCE_DATE_EPOCH
 * as RFC 3339 UTC (so it never makes two builds differ), ${COMMIT} the
 * context's commit, ${SOURCE_DATE_EPOCH} its commit time. Build args win over all.
 */
export function ldflagsValues(buildArgs: Readonly<Record<string, string>>, facts: LdflagsFacts = {}): Record<string, string> {
  const derived: Record<string, string> = { DATE: sourceDate(buildArgs, facts.commitTime).toISOString().replace(/\.\d{3}Z$/, "Z") };
  if (facts.commit !== undefined) derived["COMMIT"] = facts.commit;
  if (facts.commitTime !== undefined) derived[SOURCE_DATE_EPOCH] = String(facts.commitTime);
  return { ...derived, ...buildArgs };
}

const REFERENCE = /\$\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The `${NAME}`s an ldflags value uses, in order, each once. */
export function ldflagsVars(ldflags: string): string[] {
  return [...new Set([...ldflags.matchAll(REFERENCE)].map((m) => m[1] as string))];
}

/** Whether the ldflags of the spec or of any of its targets use ${name}: ${COMMIT} is read from .git only then. */
export function specUsesVar(parsed: ParsedSpec, name: string): boolean {
  const root = parsed.root ?? parsed;
  return [root.spec.ldflags, ...root.targets.map((t) => t.fields.ldflags ?? "")].some((l) => ldflagsVars(l).includes(name));
}

/** Build args and defaults filled in; platform names kept for expandPlatformVars. */
export function resolveLdflags(ldflags: string, buildArgs: Readonly<Record<string, string>>): { ldflags: string } | { problem: Problem } {
  for (const name of ldflagsVars(ldflags)) {
    if (!NAME.test(name)) return { problem: { message: `"\${${name}}" is not a variable name`, hint: "variables are letters, digits and _, like ${VERSION}" } };
    const known = Object.hasOwn(buildArgs, name) || Object.hasOwn(LDFLAGS_DEFAULTS, name) || (PLATFORM_VARS as readonly string[]).includes(name);
    if (!known && name === "COMMIT") {
      return {
        problem: {
          message: "ldflags uses ${COMMIT}, but the build context has no .git to read the commit from (or .dockerignore excludes .git)",
          hint: "build from the repository's root with .git in the context, or pass --build-arg COMMIT=$(git rev-parse HEAD)",
        },
      };
    }
    if (!known) {
      return {
        problem: {
          message: `ldflags uses \${${name}}, which no build arg sets`,
          hint: `pass --build-arg ${name}=..., or use one of ${[...PLATFORM_VARS, ...Object.keys(LDFLAGS_DEFAULTS), "COMMIT"].join(", ")}`,
        },
      };
    }
  }
  return {
    ldflags: ldflags.replace(REFERENCE, (whole, name: string) => {
      if ((PLATFORM_VARS as readonly string[]).includes(name)) return whole;
      return (Object.hasOwn(buildArgs, name) ? buildArgs[name] : LDFLAGS_DEFAULTS[name]) ?? whole;
    }),
  };
}

/** The target platform's names filled in. */
export function expandPlatformVars(ldflags: string, platform: Platform): string {
  const values: Record<string, string> = {
    TARGETOS: platform.os,
    TARGETARCH: platform.architecture,
    TARGETVARIANT: platform.variant ?? "",
    TARGETPLATFORM: [platform.os, platform.architecture, platform.variant].filter((p) => p !== undefined && p !== "").join("/"),
  };
  return ldflags.replace(REFERENCE, (whole, name: string) => values[name] ?? whole);
}
