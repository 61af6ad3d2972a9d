/**
 * SOURCE_DATE_EPOCH, the reproducible-builds convention: buildx passes the
 * client's variable as a build arg. With it, every file slimgo puts into the
 * image gets that time and BuildKit's exporter dates the image config and
 * history with it, so two clean builds give the same digest. (The commit
 * time of a .git in the context is not read: that needs git's objects.)
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
