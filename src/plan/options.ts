/** What the frontend hands the planner from BuildKit's options, already parsed. */
import type { NetworkMode, Platform } from "../types.js";


/** Frontend options that shape the plan. */
export interface FrontendOptions {
  /** From the `platform` option; empty means "build for the build platform". */
  readonly platforms: readonly Platform[];
  /** The worker's platform, where the Go steps run. */
  readonly buildPlatform: Platform;
  /** `--build-arg NAME=value`. */
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly network: NetworkMode;
  readonly noCache: boolean;
  /** `--no-cache-filter` names, checked against the steps and targets. */
  readonly noCacheFilter?: readonly string[];
  readonly target?: string;
  /** Names of local named build contexts (`--build-context NAME=PATH`). */
  readonly namedContexts?: readonly string[];
  /** The commit the context's .git/HEAD names, for ${COMMIT} in ldflags; read only when ldflags use it. */
  readonly vcsCommit?: string;
  /** The committer time of that commit, read from .git's objects: SOURCE_DATE_EPOCH when no build arg sets it. */
  readonly vcsTime?: number;
  /** The `cache-namespace` frontend option, set by a service that runs builds for others. */
  readonly cacheNamespace?: string;
}
