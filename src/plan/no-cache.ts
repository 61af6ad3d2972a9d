/**
 * `--no-cache` and `--no-cache-filter`. BuildKit sends both as the `no-cache`
 * option: empty for every step, else a comma-separated list of names. The
 * Dockerfile frontend matches stage names; slimgo matches its step names and
 * its targets, each standing for the steps that build that target's binary.
 */
import type { Problem } from "../spec/checks.js";
import { didYouMean } from "../spec/did-you-mean.js";
import type { BinaryPlan, Plan } from "./types.js";

/** The steps `--no-cache-filter` can name. */
export const NO_CACHE_STEPS = ["download", "deps", "build"] as const;
export type NoCacheStep = (typeof NO_CACHE_STEPS)[number];

/** The option's value: undefined (cache as usual), "" (no cache at all) or names. */
export function parseNoCache(value: string | undefined): { all: boolean; names: string[] } {
  if (value === undefined) return { all: false, names: [] };
  const names = [...new Set(value.split(",").map((n) => n.trim()).filter((n) => n !== ""))].sort();
  return { all: names.length === 0, names };
}

/** A name that is neither a step nor a target (the binary's name for a spec without targets), with the names that would work. */
export function noCacheFilterProblem(names: readonly string[], targets: readonly string[]): Problem | undefined {
  const known = [...NO_CACHE_STEPS, ...targets];
  const unknown = names.find((n) => !known.includes(n));
  if (unknown === undefined) return undefined;
  return {
    message: `--no-cache-filter ${unknown}: no step or target by that name`,
    hint: didYouMean(unknown, known) ?? `use one of ${known.join(", ")}`,
  };
}

/** Whether a step runs without BuildKit's cache: all of them, the step named, or the target whose binary it builds. */
export function ignoresCache(plan: Plan, step: NoCacheStep, bin?: BinaryPlan): boolean {
  if (plan.noCache) return true;
  const names = plan.noCacheFilter ?? [];
  if (names.includes(step)) return true;
  return bin !== undefined && step !== "download" && names.includes(bin.target ?? bin.binaryName);
}
