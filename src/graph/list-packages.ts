/**
 * The `go list` step of one binary and platform. It reads the source and
 * writes two small files:
 *  - the report the frontend checks before trusting the build: which
 *    packages of the main module use cgo (`import "C"`), which dependencies
 *    do, and whether `net`, `os/user` or `crypto/x509` are linked;
 *  - the packages the binary needs from outside the main module, as two
 *    lists: the standard library's and the downloaded modules'.
 * Each compiled-package step mounts only its list, and BuildKit keys it on
 * that file's content: a .go edit that imports nothing new leaves both
 * cached, and a go.mod change leaves the standard library's cached.
 */
import { LIST_PACKAGES_SH } from "../gen/shell.js";
import type { State } from "../llb/index.js";
import type { BinaryPlan, Plan, Platform } from "../plan/types.js";
import { stepPrefix } from "./step-name.js";
import { type GoStepInputs, compileFlags, goBuildCacheMount, goStepEnv, moduleMounts, sourceMounts } from "./go-step.js";
import { OUT_DIR, SRC_DIR } from "./paths.js";
import { ignoresCache } from "../plan/no-cache.js";

/** The report, at the root of the step's output. */
export const LIST_REPORT = "go-list.txt";
/** The packages of downloaded modules the binary needs, one import path per line. */
export const DEPENDENCY_LIST = "deps.txt";
/** The standard library packages it needs. */
export const STD_LIST = "std.txt";
/** The packages of the main module (and of modules replaced by a directory) it needs, but for the main package. */
export const LOCAL_LIST = "local.txt";

export const REPORT_TEMPLATE = [
  "{{if .CgoFiles}}{{if .Standard}}{{else if and .Module .Module.Main}}cgo {{.ImportPath}}{{else}}cgo-dep {{.ImportPath}}{{end}}{{end}}",
  '{{if or (eq .ImportPath "net") (eq .ImportPath "os/user") (eq .ImportPath "crypto/x509")}}std {{.ImportPath}}{{end}}',
].join("");

// Standard packages, those of downloaded modules, and the source packages
// ("local": the main module's and those of modules replaced by a directory)
// but for the main package, which the build step compiles.
// Nested ifs: `and` does not short-circuit before Go 1.18.
const DEPENDENCY_TEMPLATE = [
  "{{if not .Error}}{{if .Standard}}std {{.ImportPath}}",
  "{{else if .Module}}{{if .Module.Main}}{{if ne .Name \"main\"}}local {{.ImportPath}}{{end}}",
  "{{else if .Module.Replace}}{{if .Module.Replace.Version}}mod {{.ImportPath}}{{else}}local {{.ImportPath}}{{end}}",
  "{{else}}mod {{.ImportPath}}{{end}}{{end}}{{end}}",
].join("");

/**
 * A state whose root holds the report and the dependency lists. `headers`
 * (header-tree.ts) stands in for the source when the frontend read it.
 */
export function listPackages(builder: State, plan: Plan, bin: BinaryPlan, target: Platform, label: string | undefined, inputs: GoStepInputs, headers?: State): State {
  const step = builder.run({
    args: ["/bin/sh", "-c", LIST_PACKAGES_SH],
    env: goStepEnv(plan, bin, target, [
      ["SLIMGO_FLAGS", compileFlags(bin).join(" ")],
      ["SLIMGO_MAIN", bin.main],
      ["SLIMGO_REPORT_TEMPLATE", REPORT_TEMPLATE],
      ["SLIMGO_REPORT_FILE", `${OUT_DIR}/${LIST_REPORT}`],
      ["SLIMGO_DEPS_TEMPLATE", DEPENDENCY_TEMPLATE],
      ["SLIMGO_DEPS_FILE", `${OUT_DIR}/${DEPENDENCY_LIST}`],
      ["SLIMGO_STD_FILE", `${OUT_DIR}/${STD_LIST}`],
      ["SLIMGO_LOCAL_FILE", `${OUT_DIR}/${LOCAL_LIST}`],
    ]),
    dir: SRC_DIR,
    // The go-build cache also holds go's index of module and standard packages: without it, listing takes seconds.
    mounts: [
      ...(headers ? [{ dest: SRC_DIR, source: headers, readonly: true }, ...moduleMounts(inputs)] : sourceMounts(plan, inputs)),
      goBuildCacheMount(plan, bin, target),
      { dest: OUT_DIR },
    ],
    network: "none",
    customName: `${stepPrefix(label, target, inputs.multiPlatform)}go list -deps ${bin.main}`,
    ...(ignoresCache(plan, "build", bin) ? { ignoreCache: true } : {}),
  });
  return step.getMount(OUT_DIR);
}
