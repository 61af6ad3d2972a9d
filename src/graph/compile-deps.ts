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
import type { State } from "../llb/index.js";
import type { BinaryPlan, Plan, Platform } from "../plan/types.js";
import { type GoStepInputs, compileFlags, goBuildCacheMount, goModMounts, goStepEnv, moduleMounts } from "./go-step.js";
import { DEPENDENCY_LIST } from "./list-packages.js";
import { DEPENDENCY_CACHE_STAMP, GOCACHE_DIR, OUT_DIR, SRC_DIR } from "./paths.js";
import { stepPrefix } from "./step-name.js";

const LIST_FILE = "/slimgo-deps.txt";

// Go keeps each compiled package as an output file (<output id>-d) and an
// action file (<action id>-a) naming it. `go list -export` gives the output
// files; the action files are found by the output ids they hold. The cache
// mount also holds other builds' entries: only these go into the layer.
// A package that does not compile here is left to the build step, which
// reports it with the source in view.
const SCRIPT = `set -u
pkgs=$(cat ${LIST_FILE})
if [ -z "$pkgs" ]; then exit 0; fi
n=$(echo "$pkgs" | wc -l)
if ! go build $SLIMGO_FLAGS $pkgs; then
  echo "slimgo: some dependencies did not compile here; go build compiles them with the source" >&2
fi
work=$(mktemp -d)
go list -e -export $SLIMGO_FLAGS -f '{{.Export}}' $pkgs | sed -n 's|^${GOCACHE_DIR}/||p' > "$work/outputs"
sed 's|.*/||; s|-d$||' "$work/outputs" > "$work/ids"
cd ${GOCACHE_DIR}
find . -name '*-a' -exec grep -lF -f "$work/ids" {} + | sed 's|^\\./||' > "$work/actions" || true
cat "$work/outputs" "$work/actions" | sort > "$work/files"
tar -cf - -T "$work/files" | tar -xf - -C ${OUT_DIR}
sha256sum "$work/files" | cut -c1-16 > ${OUT_DIR}/${DEPENDENCY_CACHE_STAMP}
touch "${GOCACHE_DIR}/${DEPENDENCY_CACHE_STAMP}-$(cat ${OUT_DIR}/${DEPENDENCY_CACHE_STAMP})"
echo "slimgo: $(wc -l < "$work/outputs") of $n dependency packages compiled into the layer, $(du -sh ${OUT_DIR} | cut -f1)"
`;

export interface DependencyInputs extends GoStepInputs {
  /** The go list step's output. */
  readonly packages: State;
}

/** A state holding go-build cache entries (a GOCACHE tree) for the binary's dependencies. */
export function compileDependencies(builder: State, plan: Plan, bin: BinaryPlan, target: Platform, label: string | undefined, inputs: DependencyInputs): State {
  const step = builder.run({
    args: ["/bin/sh", "-c", SCRIPT],
    env: goStepEnv(plan, bin, target, [["SLIMGO_FLAGS", compileFlags(bin).join(" ")]]),
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
    ...(plan.noCache ? { ignoreCache: true } : {}),
  });
  return step.getMount(OUT_DIR);
}
