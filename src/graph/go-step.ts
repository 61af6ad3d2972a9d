/**
 * What the three Go steps of one binary and platform share: `go list`,
 * the dependency compile and `go build` must see the same environment and
 * compile flags, or Go computes other action IDs and the go-build cache the
 * dependency step fills is never hit.
 */
import { local, type MountOptions, type SourceFile, type State } from "../llb/index.js";
import type { BinaryPlan, Plan, Platform } from "../plan/types.js";
import { mergeEnv } from "./env.js";
import { goPlatformEnv } from "./go-env.js";
import { GOCACHE_DIR, GOSUM_DIR, MODULES_DIR, SRC_DIR, goBuildCacheId } from "./paths.js";

export interface GoStepInputs {
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

/** Flags added to the user's GOFLAGS so every go command sees them: vendor/, or the computed go.sum. */
function goFlags(plan: Plan): Array<[string, string]> {
  const extra = [...(plan.vendored ? ["-mod=vendor"] : []), ...(plan.missingGoSum && !plan.vendored ? [`-modfile=${GOSUM_DIR}/go.mod`] : [])];
  if (extra.length === 0) return [];
  const user = plan.goEnv.find(([k]) => k === "GOFLAGS")?.[1] ?? "";
  return [["GOFLAGS", [user, ...extra].filter((f) => f !== "").join(" ")]];
}

/** The module set is complete (download step), so no Go step after it needs the network. */
export function goStepEnv(plan: Plan, bin: BinaryPlan, target: Platform, extra: ReadonlyArray<readonly [string, string]> = []): Array<[string, string]> {
  return mergeEnv(plan.goEnv, goPlatformEnv(target), [
    ["CGO_ENABLED", bin.cgo ? "1" : "0"],
    ["GOCACHE", GOCACHE_DIR],
    ["GOMODCACHE", MODULES_DIR],
    ["GOPROXY", "off"],
    ...goFlags(plan),
    ...extra,
  ]);
}

/** Flags that change what the compiler produces (and so Go's action IDs); -ldflags only touches the link. */
export function compileFlags(bin: BinaryPlan): string[] {
  return ["-trimpath", ...(bin.tags.length > 0 ? ["-tags", bin.tags.join(",")] : [])];
}

/** The go-build cache mount, one per target OS, architecture and cgo setting. */
export function goBuildCacheMount(bin: BinaryPlan, target: Platform): MountOptions {
  return { dest: GOCACHE_DIR, cache: { id: goBuildCacheId(target.os, target.architecture, bin.cgo), sharing: "shared" } };
}

/** The module's source, its named-context replaces, the module layer and the computed go.sum. */
export function sourceMounts(plan: Plan, inputs: GoStepInputs): MountOptions[] {
  return [
    { dest: SRC_DIR, source: inputs.context, readonly: true },
    ...(plan.externalReplaces ?? []).map((e) => ({
      dest: e.mountPath,
      source: local(e.context, { sessionId: inputs.sessionId, sharedKeyHint: e.context, customName: `[context ${e.context}] load build context` }),
      readonly: true,
    })),
    ...moduleMounts(inputs),
  ];
}

/** The module layer and the computed go.sum, read-only. */
export function moduleMounts(inputs: GoStepInputs): MountOptions[] {
  return [
    ...(inputs.modules ? [{ dest: MODULES_DIR, source: inputs.modules, readonly: true }] : []),
    ...(inputs.goSum ? [{ dest: GOSUM_DIR, source: inputs.goSum, readonly: true }] : []),
  ];
}
