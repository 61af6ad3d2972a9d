/**
 * What the three Go steps of one binary and platform share: `go list`,
 * the dependency compile and `go build` must see the same environment and
 * compile flags, or Go computes other action IDs and the go-build cache the
 * dependency step fills is never hit.
 */
import { local, type MountOptions, type SourceFile, type State } from "../llb/index.js";
import { offlineGoEnv } from "../plan/go-env.js";
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

/** The module set is complete (download step), so no Go step after it needs the network, nor its proxies. */
export function goStepEnv(plan: Plan, bin: BinaryPlan, target: Platform, extra: ReadonlyArray<readonly [string, string]> = []): Array<[string, string]> {
  return mergeEnv(offlineGoEnv(plan.goEnv), goPlatformEnv(target), [
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

/** The go-build cache mount, one per cache namespace, target OS, architecture and cgo setting. */
export function goBuildCacheMount(plan: Plan, bin: BinaryPlan, target: Platform): MountOptions {
  return { dest: GOCACHE_DIR, cache: { id: goBuildCacheId(plan.cacheKey, target.os, target.architecture, bin.cgo), sharing: "shared" } };
}

/** The module's source, its named-context replaces, the module layer and the computed go.sum. */
export function sourceMounts(plan: Plan, inputs: GoStepInputs): MountOptions[] {
  return [{ dest: SRC_DIR, source: inputs.context, readonly: true }, ...namedContextMounts(plan, inputs.sessionId, "source"), ...moduleMounts(inputs)];
}

/** go.mod and go.sum of the module and of every local replace: all `go mod download` reads. */
function goModFiles(plan: Plan): string[] {
  if (plan.workspaceFiles) return [...plan.workspaceFiles];
  const dirs = [".", ...(plan.localReplaces ?? [])];
  return dirs.flatMap((d) => (d === "." ? ["go.mod", "go.sum"] : [`${d}/go.mod`, `${d}/go.sum`]));
}

/** go.mod and go.sum at the module root, and those of named-context replaces where go expects them. */
export function goModMounts(plan: Plan, sessionId: string): MountOptions[] {
  const goMod = local("context", {
    sessionId,
    includePatterns: goModFiles(plan),
    sharedKeyHint: "slimgo-go-mod",
    customName: "[context] load go.mod and go.sum",
  });
  return [{ dest: SRC_DIR, source: goMod, readonly: true }, ...namedContextMounts(plan, sessionId, "go.mod")];
}

/** Replace targets supplied as named build contexts, mounted where go expects them: whole, or their go.mod/go.sum alone. */
function namedContextMounts(plan: Plan, sessionId: string, what: "source" | "go.mod"): MountOptions[] {
  return (plan.externalReplaces ?? []).map((e) => ({
    dest: e.mountPath,
    source:
      what === "source"
        ? local(e.context, { sessionId, sharedKeyHint: e.context, customName: `[context ${e.context}] load build context` })
        : local(e.context, {
            sessionId,
            includePatterns: ["go.mod", "go.sum"],
            sharedKeyHint: `slimgo-go-mod-${e.context}`,
            customName: `[context ${e.context}] load go.mod and go.sum`,
          }),
    readonly: true,
  }));
}

/** The module layer and the computed go.sum, read-only. */
export function moduleMounts(inputs: GoStepInputs): MountOptions[] {
  return [
    ...(inputs.modules ? [{ dest: MODULES_DIR, source: inputs.modules, readonly: true }] : []),
    ...(inputs.goSum ? [{ dest: GOSUM_DIR, source: inputs.goSum, readonly: true }] : []),
  ];
}
