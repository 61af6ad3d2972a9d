/** The `go build` step for one target platform, cross-compiled on the build platform. */
import { COMPILE_SH } from "../gen/shell.js";
import type { State } from "../llb/index.js";
import { expandPlatformVars } from "../plan/ldflags.js";
import type { BinaryPlan, Plan, Platform } from "../plan/types.js";
import { type GoStepInputs, compileFlags, goBuildCacheMount, goStepEnv, sourceMounts } from "./go-step.js";
import { LIST_REPORT } from "./list-packages.js";
import { type CompiledLayers, seedEnv, seedMounts, withSeeding } from "./compile-deps.js";
import { OUT_DIR, PACKAGES_DIR, SRC_DIR } from "./paths.js";
import { specLocation } from "./source-location.js";
import { stepPrefix } from "./step-name.js";
import { ignoresCache } from "../plan/no-cache.js";

/** Where the build step leaves the go list report, inside the output mount. */
export const GO_LIST_REPORT = ".slimgo/go-list.txt";

/** `go build` arguments for one platform; the binary lands in /out/<name>. */
export function goBuildArgs(plan: Plan, bin: BinaryPlan, target: Platform): string[] {
  return ["go", "build", "-v", ...compileFlags(bin), `-buildvcs=${plan.vcs ? "true" : "false"}`, "-ldflags", expandPlatformVars(bin.ldflags, target), "-o", `${OUT_DIR}/${bin.binaryName}`, bin.main];
}

// git refuses a repository owned by another user (the context's files are not root's).
const GIT_SAFE_DIRECTORY: Array<[string, string]> = [
  ["GIT_CONFIG_COUNT", "1"],
  ["GIT_CONFIG_KEY_0", "safe.directory"],
  ["GIT_CONFIG_VALUE_0", "*"],
];

export interface BuildInputs extends GoStepInputs {
  /** The go list step's output (report and dependency list). */
  readonly packages: State;
  /** The compiled-package layers, copied into the cache mount first. */
  readonly dependencies: CompiledLayers;
}

/** A state whose root holds the binary at /<name>. */
export function compile(builder: State, plan: Plan, bin: BinaryPlan, target: Platform, label: string | undefined, inputs: BuildInputs): State {
  const env = goStepEnv(plan, bin, target, [
    ["SLIMGO_REPORT", `${OUT_DIR}/${GO_LIST_REPORT}`],
    ["SLIMGO_LIST_REPORT", `${PACKAGES_DIR}/${LIST_REPORT}`],
    ...seedEnv(inputs.dependencies),
    ...(plan.vcs ? GIT_SAFE_DIRECTORY : []),
  ]);
  const source = specLocation(inputs.specFile, bin.locations.build);
  const step = builder.run({
    args: ["/bin/sh", "-c", withSeeding(COMPILE_SH), "go-build", ...goBuildArgs(plan, bin, target)],
    env,
    dir: SRC_DIR,
    mounts: [
      ...sourceMounts(plan, inputs),
      { dest: PACKAGES_DIR, source: inputs.packages, readonly: true },
      ...seedMounts(inputs.dependencies),
      goBuildCacheMount(plan, bin, target),
      { dest: OUT_DIR },
    ],
    network: "none",
    customName: `${stepPrefix(label, target, inputs.multiPlatform)}go build ${bin.main}`,
    ...(ignoresCache(plan, "build", bin) ? { ignoreCache: true } : {}),
    ...(source ? { source } : {}),
  });
  return step.getMount(OUT_DIR);
}
