/** The `go build` step for one target platform, cross-compiled on the build platform. */
import { type SourceFile, type State, local } from "../llb/index.js";
import { expandPlatformVars } from "../plan/ldflags.js";
import type { BinaryPlan, Plan, Platform } from "../plan/types.js";
import { mergeEnv } from "./env.js";
import { goPlatformEnv, platformId } from "./go-env.js";
import { GOCACHE_DIR, GOSUM_DIR, MODULES_DIR, OUT_DIR, SRC_DIR, goBuildCacheId } from "./paths.js";
import { specLocation } from "./source-location.js";

export interface CompileInputs {
  readonly context: State;
  /** Session that owns the local sources (named contexts included). */
  readonly sessionId: string;
  /** The module layer; undefined when building from vendor/. */
  readonly modules: State | undefined;
  /** go.mod + computed go.sum when the context has no go.sum. */
  readonly goSum?: State | undefined;
  readonly specFile: SourceFile | undefined;
  /** Prefix step names with the platform when building several. */
  readonly multiPlatform: boolean;
}

/**
 * Before compiling, `go list` records which packages of the main module use
 * cgo (`import "C"`), which dependencies do, and whether `net` or `os/user`
 * are linked. With cgo off and cgo code in the module it stops without
 * building, and the frontend turns the report into a one-line error on the
 * spec; `go build` would otherwise drop those files or fail obscurely.
 */
const SCRIPT = `set -eu
mkdir -p "$(dirname "$SLIMGO_REPORT")"
CGO_ENABLED=1 go list -deps -tags "$SLIMGO_TAGS" -f '${[
  "{{if .CgoFiles}}{{if .Standard}}{{else if and .Module .Module.Main}}cgo {{.ImportPath}}{{else}}cgo-dep {{.ImportPath}}{{end}}{{end}}",
  '{{if or (eq .ImportPath "net") (eq .ImportPath "os/user") (eq .ImportPath "crypto/x509")}}std {{.ImportPath}}{{end}}',
].join("")}' "$SLIMGO_MAIN" | sed '/^$/d' > "$SLIMGO_REPORT"
if [ "$CGO_ENABLED" = 0 ] && grep -q '^cgo ' "$SLIMGO_REPORT"; then exit 0; fi
exec "$@"
`;

/** Where the build step leaves its go list report, inside the output mount. */
export const GO_LIST_REPORT = ".slimgo/go-list.txt";

/** Flags added to the user's GOFLAGS so go list and go build both see them: vendor/, or the computed go.sum. */
function goFlags(plan: Plan): Array<[string, string]> {
  const extra = [...(plan.vendored ? ["-mod=vendor"] : []), ...(plan.missingGoSum && !plan.vendored ? [`-modfile=${GOSUM_DIR}/go.mod`] : [])];
  if (extra.length === 0) return [];
  const user = plan.goEnv.find(([k]) => k === "GOFLAGS")?.[1] ?? "";
  return [["GOFLAGS", [user, ...extra].filter((f) => f !== "").join(" ")]];
}

/** `go build` arguments for one platform; the binary lands in /out/<name>. */
export function goBuildArgs(plan: Plan, bin: BinaryPlan, target: Platform): string[] {
  const args = ["go", "build", "-trimpath", `-buildvcs=${plan.vcs ? "true" : "false"}`, "-ldflags", expandPlatformVars(bin.ldflags, target)];
  if (bin.tags.length > 0) args.push("-tags", bin.tags.join(","));
  args.push("-o", `${OUT_DIR}/${bin.binaryName}`, bin.main);
  return args;
}

/** "[api linux/arm64] ": which binary or target, and which platform, a step is for when there are several. */
export function stepPrefix(label: string | undefined, target: Platform, multiPlatform: boolean): string {
  const parts = [label, multiPlatform ? platformId(target) : undefined].filter((p) => p !== undefined);
  return parts.length === 0 ? "" : `[${parts.join(" ")}] `;
}

// git refuses a repository owned by another user (the context's files are not root's).
const GIT_SAFE_DIRECTORY: Array<[string, string]> = [
  ["GIT_CONFIG_COUNT", "1"],
  ["GIT_CONFIG_KEY_0", "safe.directory"],
  ["GIT_CONFIG_VALUE_0", "*"],
];

/** A state whose root holds the binary at /<name>. */
export function compile(builder: State, plan: Plan, bin: BinaryPlan, target: Platform, inputs: CompileInputs): State {
  // The module set is complete (download step), so the build needs no network.
  const env = mergeEnv(plan.goEnv, goPlatformEnv(target), [
    ["CGO_ENABLED", bin.cgo ? "1" : "0"],
    ["GOCACHE", GOCACHE_DIR],
    ["GOMODCACHE", MODULES_DIR],
    ["GOPROXY", "off"],
    ...goFlags(plan),
    ["SLIMGO_MAIN", bin.main],
    ["SLIMGO_REPORT", `${OUT_DIR}/${GO_LIST_REPORT}`],
    ["SLIMGO_TAGS", bin.tags.join(",")],
    ...(plan.vcs ? GIT_SAFE_DIRECTORY : []),
  ]);
  const source = specLocation(inputs.specFile, bin.locations.build);
  const step = builder.run({
    args: ["/bin/sh", "-c", SCRIPT, "go-build", ...goBuildArgs(plan, bin, target)],
    env,
    dir: SRC_DIR,
    mounts: [
      { dest: SRC_DIR, source: inputs.context, readonly: true },
      ...(plan.externalReplaces ?? []).map((e) => ({
        dest: e.mountPath,
        source: local(e.context, { sessionId: inputs.sessionId, sharedKeyHint: e.context, customName: `[context ${e.context}] load build context` }),
        readonly: true,
      })),
      ...(inputs.modules ? [{ dest: MODULES_DIR, source: inputs.modules, readonly: true }] : []),
      ...(inputs.goSum ? [{ dest: GOSUM_DIR, source: inputs.goSum, readonly: true }] : []),
      { dest: GOCACHE_DIR, cache: { id: goBuildCacheId(target.os, target.architecture, bin.cgo), sharing: "shared" } },
      { dest: OUT_DIR },
    ],
    network: "none",
    customName: `${stepPrefix(binaryLabel(bin), target, inputs.multiPlatform)}go build ${bin.main}`,
    ...(plan.noCache ? { ignoreCache: true } : {}),
    ...(source ? { source } : {}),
  });
  return step.getMount(OUT_DIR);
}

/** With targets, a binary's steps carry its name; a single-image spec needs no label. */
export function binaryLabel(bin: BinaryPlan): string | undefined {
  return bin.target === undefined ? undefined : bin.binaryName;
}
