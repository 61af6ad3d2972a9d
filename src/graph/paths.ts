/** Where things live inside the Go steps and the final image. */
export { MODULE_ROOT as SRC_DIR } from "../plan/local-replaces.js";
/** The module set for this go.sum, produced by the download step. */
export const MODULES_DIR = "/go/pkg/mod";
/** A persistent cache of fetched module files, shared by all builds. */
export const FETCH_CACHE_DIR = "/var/cache/slimgo/gomod";
/** Where the download step writes the go.sum it computed when the context has none. */
export const GOSUM_DIR = "/slimgo-gosum";
export const GOCACHE_DIR = "/root/.cache/go-build";
export const OUT_DIR = "/out";
/** Where the build step sees the go list step's output. */
export const PACKAGES_DIR = "/slimgo-packages";
/** Where later Go steps see the compiled-package layers (go-build cache entries). */
export const STD_CACHE_DIR = "/slimgo-std";
export const DEPENDENCY_CACHE_DIR = "/slimgo-dependencies";
export const LOCAL_CACHE_DIR = "/slimgo-local";
/** Names the entry set of a compiled-package layer; a copy in the cache mount says it was copied there. */
export const DEPENDENCY_CACHE_STAMP = "slimgo-dependencies";
export const BIN_DIR = "/usr/local/bin";

/** Cache mount ids: stable across builds so BuildKit reuses them, and suffixed with the plan's cache key so other namespaces cannot name them. */
export function fetchCacheId(cacheKey: string): string {
  return `slimgo-gomod-fetch-${cacheKey}`;
}
export function goBuildCacheId(cacheKey: string, os: string, arch: string, cgo: boolean): string {
  return `slimgo-go-build-${os}-${arch}-cgo${cgo ? 1 : 0}-${cacheKey}`;
}
