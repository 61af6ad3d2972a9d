/**
 * The dependency step of one binary and platform: compiles the packages
 * `go list` named (standard library and downloaded modules) and keeps their
 * go-build cache entries as a layer.
 *
 * The go-build cache is a cache mount, and BuildKit never exports cache
 * mounts, so a fresh builder restoring a registry cache used to compile
 * every package again after any change. This layer is exported like any
 * other, and the build step copies it into its cache mount. It sees
 * go.mod/go.sum, the module layer and the package list, never the source:
 * its cache key changes only when the binary's set of dependencies does.
 */
import { COMPILE_DEPS_SH } from "../gen/shell.js";
import type { State } from "../llb/index.js";
import type { BinaryPlan, Plan, Platform } from "../plan/types.js";
import { type GoStepInputs, compileFlags, goBuildCacheMount, goModMounts, goStepEnv, moduleMounts } from "./go-step.js";
import { DEPENDENCY_LIST } from "./list-packages.js";
import { DEPENDENCY_CACHE_STAMP, OUT_DIR, SRC_DIR } from "./paths.js";
import { stepPrefix } from "./step-name.js";
import { ignoresCache } from "../plan/no-cache.js";

const LIST_FILE = "/slimgo-deps.txt";

export interface DependencyInputs extends GoStepInputs {
  /** The go list step's output. */
  readonly packages: State;
}

/** A state holding go-build cache entries (a GOCACHE tree) for the binary's dependencies. */
export function compileDependencies(builder: State, plan: Plan, bin: BinaryPlan, target: Platform, label: string | undefined, inputs: DependencyInputs): State {
  const step = builder.run({
    args: ["/bin/sh", "-c", COMPILE_DEPS_SH],
    env: goStepEnv(plan, bin, target, [
      ["SLIMGO_FLAGS", compileFlags(bin).join(" ")],
      ["SLIMGO_LIST_FILE", LIST_FILE],
      ["SLIMGO_OUT", OUT_DIR],
      ["SLIMGO_STAMP", DEPENDENCY_CACHE_STAMP],
    ]),
    dir: SRC_DIR,
    mounts: [
      ...goModMounts(plan, inputs.sessionId),
      ...moduleMounts(inputs),
      // Read-only with a selector: BuildKit keys the step on this file's content.
      { dest: LIST_FILE, source: inputs.packages, selector: DEPENDENCY_LIST, readonly: true },
      goBuildCacheMount(plan, bin, target),
      { dest: OUT_DIR },
    ],
    network: "none",
    customName: `${stepPrefix(label, target, inputs.multiPlatform)}compile the dependencies of ${bin.main}`,
    ...(ignoresCache(plan, "deps", bin) ? { ignoreCache: true } : {}),
  });
  return step.getMount(OUT_DIR);
}
