/**
 * A platform as BuildKit reports a worker's (Ping, BUILDKIT_WORKERS). Its
 * parts become GOOS/GOARCH, cache ids and step names, so each must be a
 * short plain word: anything else is refused rather than guessed.
 */
import type { Platform } from "../types.js";
import { describe } from "./json-shape.js";

const PART = /^[A-Za-z0-9._-]{1,64}$/;

/** The platform, or a sentence saying what is wrong with it. */
export function wirePlatform(os: unknown, architecture: unknown, variant: unknown): Platform | string {
  if (typeof os !== "string" || !PART.test(os)) return `its os is ${describe(os)}, not a name like "linux"`;
  if (typeof architecture !== "string" || !PART.test(architecture)) return `its architecture is ${describe(architecture)}, not a name like "amd64"`;
  if (variant === undefined || variant === null || variant === "") return { os, architecture };
  if (typeof variant !== "string" || !PART.test(variant)) return `its variant is ${describe(variant)}, not a name like "v7"`;
  return { os, architecture, variant };
}
