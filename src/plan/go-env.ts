/** Environment for the Go steps: the spec's buildEnv plus the proxy and module settings passed as build args. */
import type { StringPairs } from "../spec/types.js";

/** Build args that reach `go mod download` and `go build` when the user passes them. */
export const PASSTHROUGH_BUILD_ARGS = [
  "GOFLAGS",
  "GONOPROXY",
  "GONOSUMDB",
  "GOPRIVATE",
  "GOPROXY",
  "GOSUMDB",
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "https_proxy",
  "http_proxy",
  "no_proxy",
] as const;

/**
 * Settings only a step that fetches over the network reads: proxies (which may
 * carry credentials) and module source settings. The steps after the download
 * run with GOPROXY=off and no network, so they never get these: their values
 * stay out of those steps' cache keys and provenance.
 */
const NETWORK_ONLY = new Set([
  "ALL_PROXY",
  "GOINSECURE",
  "GONOPROXY",
  "GONOSUMDB",
  "GOPRIVATE",
  "GOPROXY",
  "GOSUMDB",
  "GOVCS",
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "all_proxy",
  "https_proxy",
  "http_proxy",
  "no_proxy",
]);

/** The Go environment without the network settings, for the steps that run offline. */
export function offlineGoEnv(env: ReadonlyArray<readonly [string, string]>): Array<readonly [string, string]> {
  return env.filter(([name]) => !NETWORK_ONLY.has(name));
}

/** Sorts name/value pairs by name, by UTF-16 code units so the order never depends on locale. */
export function sortPairs(pairs: Iterable<readonly [string, string]>): Array<readonly [string, string]> {
  return [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** buildEnv, overridden by passed-through build args (the command line beats the file), sorted by name. */
export function goEnv(buildEnv: StringPairs, buildArgs: Readonly<Record<string, string>>): Array<readonly [string, string]> {
  const env = new Map<string, string>(buildEnv);
  for (const name of PASSTHROUGH_BUILD_ARGS) {
    const value = Object.hasOwn(buildArgs, name) ? buildArgs[name] : undefined;
    if (value !== undefined) env.set(name, value);
  }
  return sortPairs(env);
}
