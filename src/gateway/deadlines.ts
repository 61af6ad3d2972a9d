/**
 * How long slimgo waits for each gateway call. Calls that only look
 * something up get a deadline, so a daemon that never answers fails the
 * build with the call's name instead of holding it forever. Calls that
 * build (Solve, and the first read of a lazily solved result, which runs
 * its steps) get none: a build takes as long as the user's code needs, and
 * buildkitd kills the frontend when the client cancels.
 */
import { LaunchError } from "./options.js";

export interface Deadlines {
  /** Ping, ReadFile, ReadDir, StatFile, Warn and Return. */
  readonly metadataMs: number;
  /** ResolveImageConfig, which may fetch a manifest and config from a registry (auth, mirrors, slow links). */
  readonly resolveMs: number;
}

export const DEFAULT_DEADLINES: Deadlines = { metadataMs: 60_000, resolveMs: 300_000 };

/** The variable that sets every deadline at once (tests, or a daemon known to be slow). */
export const TIMEOUT_VAR = "SLIMGO_GATEWAY_TIMEOUT_MS";

/** Timers take at most 2³¹−1 ms (about 24.8 days). */
const MAX_MS = 2 ** 31 - 1;

/** The deadlines `env` asks for; throws a LaunchError naming the variable when its value is not a whole number of milliseconds. */
export function deadlinesFromEnv(env: NodeJS.ProcessEnv): Deadlines {
  const raw = env[TIMEOUT_VAR];
  if (raw === undefined || raw === "") return DEFAULT_DEADLINES;
  const ms = /^[0-9]{1,10}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(ms >= 1 && ms <= MAX_MS)) {
    throw new LaunchError(`${TIMEOUT_VAR} must be a whole number of milliseconds from 1 to ${MAX_MS}, not "${raw.slice(0, 40)}"`);
  }
  return { metadataMs: ms, resolveMs: ms };
}
