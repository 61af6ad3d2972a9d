/**
 * The `go list` step of one binary and platform. It reads the source and
 * writes two small files:
 *  - the report the frontend checks before trusting the build: which
 *    packages of the main module use cgo (`import "C"`), which dependencies
 *    do, and whether `net`, `os/user` or `crypto/x509` are linked;
 *  - the packages the binary needs from outside the main module (standard
 *    library included), which the dependency step compiles.
 * The dependency step mounts only the second file, and BuildKit keys it on
 * that file's content: a .go edit that imports nothing new leaves it cached.
 */
import type { State } from "../llb/index.js";
import type { BinaryPlan, Plan, Platform } from "../plan/types.js";
import { stepPrefix } from "./step-name.js";
import { type GoStepInputs, compileFlags, goBuildCacheMount, goStepEnv, sourceMounts } from "./go-step.js";
import { OUT_DIR, SRC_DIR } from "./paths.js";

/** The report, at the root of the step's output. */
export const LIST_REPORT = "go-list.txt";
/** The dependency packages, one import path per line. */
export const DEPENDENCY_LIST = "deps.txt";

const REPORT_TEMPLATE = [
  "{{if .CgoFiles}}{{if .Standard}}{{else if and .Module .Module.Main}}cgo {{.ImportPath}}{{else}}cgo-dep {{.ImportPath}}{{end}}{{end}}",
  '{{if or (eq .ImportPath "net") (eq .ImportPath "os/user") (eq .ImportPath "crypto/x509")}}std {{.ImportPath}}{{end}}',
].join("");

// Standard packages and those of downloaded modules; a module replaced by a
// local directory is source, not a download, so the build step compiles it.
// Nested ifs: `and` does not short-circuit before Go 1.18.
const DEPENDENCY_TEMPLATE = [
  "{{if not .Error}}{{if .Standard}}{{.ImportPath}}",
  "{{else if .Module}}{{if not .Module.Main}}{{if .Module.Replace}}{{if .Module.Replace.Version}}{{.ImportPath}}{{end}}{{else}}{{.ImportPath}}{{end}}{{end}}{{end}}{{end}}",
].join("");

// -e: a broken package is go build's to report, with its own message, in
// the build step. The report is listed with cgo on, so that `import "C"`
// files are seen even when the build turns cgo off; the two lists run side
// by side, as this step is on the path of every rebuild.
const SCRIPT = `set -u
list() { go list -e -deps "$@" "$SLIMGO_MAIN" | sed '/^$/d'; }
CGO_ENABLED=1 list ${"$"}SLIMGO_FLAGS -f '${REPORT_TEMPLATE}' > ${OUT_DIR}/${LIST_REPORT} &
list ${"$"}SLIMGO_FLAGS -f '${DEPENDENCY_TEMPLATE}' > ${OUT_DIR}/${DEPENDENCY_LIST}
wait
exit 0
`;

/** A state whose root holds the report and the dependency list. */
export function listPackages(builder: State, plan: Plan, bin: BinaryPlan, target: Platform, label: string | undefined, inputs: GoStepInputs): State {
  const step = builder.run({
    args: ["/bin/sh", "-c", SCRIPT],
    env: goStepEnv(plan, bin, target, [
      ["SLIMGO_FLAGS", compileFlags(bin).join(" ")],
      ["SLIMGO_MAIN", bin.main],
    ]),
    dir: SRC_DIR,
    // The go-build cache also holds go's index of module and standard packages: without it, listing takes seconds.
    mounts: [...sourceMounts(plan, inputs), goBuildCacheMount(plan, bin, target), { dest: OUT_DIR }],
    network: "none",
    customName: `${stepPrefix(label, target, inputs.multiPlatform)}go list -deps ${bin.main}`,
    ...(plan.noCache ? { ignoreCache: true } : {}),
  });
  return step.getMount(OUT_DIR);
}
