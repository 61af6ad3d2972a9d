/**
 * SOURCE_DATE_EPOCH, the reproducible-builds convention: buildx passes the
 * client's variable as a build arg. With it, every file slimgo puts into the
 * image gets that time and BuildKit's exporter dates the image config and
 * history with it, so two clean builds give the same digest. Without the
 * build arg, the committer time of the commit .git/HEAD names (read by the
 * frontend from the context's .git) takes its place.
 */
import type { Problem } from "../spec/checks.js";

export const SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH";

/** Seconds since 1970, undefined when the build arg is unset or empty, or the problem with its value. */
export function sourceDateEpoch(buildArgs: Readonly<Record<string, string>>): number | undefined | Problem {
  const v = Object.hasOwn(buildArgs, SOURCE_DATE_EPOCH) ? (buildArgs[SOURCE_DATE_EPOCH] ?? "").trim() : "";
  if (v === "") return undefined;
  // Twelve digits reach past the year 33000, and stay exact as a number.
  if (!/^\d{1,12}$/.test(v)) {
    return { message: `--build-arg SOURCE_DATE_EPOCH=${JSON.stringify(v).slice(1, -1).slice(0, 40)} is not whole seconds since 1970`, hint: "pass the commit time: SOURCE_DATE_EPOCH=$(git log -1 --pretty=%ct)" };
  }
  return Number(v);
}

/**
 * The build's time: the build arg when one is given (empty turns the commit
 * time off), else the commit time read from the context's .git, if any.
 */
export function buildEpoch(buildArgs: Readonly<Record<string, string>>, commitTime: number | undefined): number | undefined | Problem {
  return Object.hasOwn(buildArgs, SOURCE_DATE_EPOCH) ? sourceDateEpoch(buildArgs) : commitTime;
}
