/**
 * Whose cache mounts a build uses. BuildKit shares a cache mount with every
 * build on the daemon that names the same id, a Dockerfile's
 * `RUN --mount=type=cache,id=…` included, so the ids carry a key: a hash of
 * the namespace, which keeps it unreadable in the graph.
 *
 * - The frontend option `cache-namespace` is set by whoever runs BuildKit for
 *   others (per tenant and repository); a build arg cannot leave it.
 * - Within it, the build arg SLIMGO_CACHE_NAMESPACE, or by default the module
 *   paths, so unrelated projects stay apart while every target of one module
 *   (or go.work workspace) shares its caches.
 */
import { createHash } from "node:crypto";

/** Frontend option a build service sets per tenant and repository. */
export const CACHE_NAMESPACE_OPTION = "cache-namespace";
/** Build arg that picks a namespace of one's own (within the option's). */
export const CACHE_NAMESPACE_BUILD_ARG = "SLIMGO_CACHE_NAMESPACE";

export interface CacheNamespace {
  /** From the frontend option; "" when unset. */
  readonly option?: string | undefined;
  /** From the build arg; "" or undefined for the default. */
  readonly buildArg?: string | undefined;
  /** Module paths of the main module, or of every module a go.work uses. */
  readonly modules: readonly string[];
}

/** 16 hex digits naming the namespace; the same inputs always give the same key. */
export function cacheKey(ns: CacheNamespace): string {
  const own = ns.buildArg !== undefined && ns.buildArg !== "" ? ["arg", ns.buildArg] : ["modules", ...[...new Set(ns.modules)].sort()];
  const text = JSON.stringify(["slimgo-cache-v1", ns.option ?? "", ...own]);
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}
