/**
 * The frontend options and local directories of a build, as buildx sends
 * them: the same keys reach slimgo's frontend whether BuildKit starts the
 * image or this process runs it.
 */
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { LOCAL_CONTEXT, LOCAL_SPEC, OPT, type LaunchEnv, type WorkerInfo } from "../gateway/options.js";
import type { BuildOptions, CacheEntry, CallName } from "./build-options.js";
import { goBool } from "./go-bool.js";

/** `--call` names as BuildKit's subrequest ids (check is the lint request). */
export const CALL_REQUEST: Readonly<Record<Exclude<CallName, "build">, string>> = {
  check: "frontend.lint",
  targets: "frontend.targets",
  outline: "frontend.outline",
  size: "frontend.size",
};

export interface BuildInputs {
  /** Frontend options (SolveRequest.FrontendAttrs). */
  readonly attrs: ReadonlyMap<string, string>;
  /** Local directories the session serves, by name. */
  readonly dirs: ReadonlyMap<string, { readonly dir: string }>;
}

export function buildInputs(o: BuildOptions, cwd: string): BuildInputs {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const attrs = new Map<string, string>();
  const dirs = new Map<string, { dir: string }>([
    [LOCAL_CONTEXT, { dir: abs(o.contextDir) }],
    [LOCAL_SPEC, { dir: dirname(abs(o.specFile)) }],
  ]);
  attrs.set(OPT.filename, basename(o.specFile));
  if (o.target !== undefined) attrs.set(OPT.target, o.target);
  if (o.platforms.length > 0) attrs.set(OPT.platform, o.platforms.join(","));
  if (o.platforms.length > 1) attrs.set(OPT.multiPlatform, "true");
  for (const [k, v] of o.buildArgs) attrs.set(OPT.buildArgPrefix + k, v);
  for (const [k, v] of o.labels) attrs.set(OPT.labelPrefix + k, v);
  for (const [name, value] of [...o.buildContexts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (/^[a-z][a-z0-9+.-]*:\/\//.test(value)) {
      attrs.set(OPT.namedContextPrefix + name, value);
    } else {
      // A directory: uploaded as a local of that name, as buildx does.
      attrs.set(OPT.namedContextPrefix + name, `local:${name}`);
      dirs.set(name, { dir: abs(value) });
    }
  }
  if (o.noCache) attrs.set(OPT.noCache, "");
  if (o.pull) attrs.set(OPT.imageResolveMode, "pull");
  if (o.network !== undefined && o.network !== "default") attrs.set(OPT.networkMode, o.network);
  if (o.call !== "build") attrs.set(OPT.requestId, CALL_REQUEST[o.call]);
  for (const [type, params] of o.attests) if (params !== null) attrs.set(OPT.attestPrefix + type, params);
  // A gateway build is told its caches through this option; BuildKit applies them only to solves that carry them.
  if (o.cacheFrom.length > 0) attrs.set(OPT.cacheImports, JSON.stringify(o.cacheFrom.map((c) => ({ Type: c.type, Attrs: c.attrs }))));
  return { attrs, dirs };
}

/** What buildx sends when provenance is not mentioned: a minimal one, only where the exporter carries it inline (image, oci, docker). */
export const DEFAULT_PROVENANCE = "mode=min,inline-only=true";

/**
 * buildx's default attestation, for a build on the user's own node: the
 * minimal provenance unless a provenance flag was given (false included) or
 * BUILDX_NO_DEFAULT_ATTESTATIONS is true.
 */
export function defaultAttests(o: BuildOptions, env: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const off = goBool(env["BUILDX_NO_DEFAULT_ATTESTATIONS"] ?? "") === true;
  if (o.call !== "build" || off || o.attests.has("provenance")) return new Map();
  return new Map([[`${OPT.attestPrefix}provenance`, DEFAULT_PROVENANCE]]);
}

/** Entitlements the Solve asks for: `--allow`, plus network.host for `--network=host` as buildx adds it. */
export function entitlements(o: BuildOptions): string[] {
  const set = new Set(o.allow);
  if (o.network === "host") set.add("network.host");
  return [...set].sort();
}

/** The Solve's fields that follow from the flags alone, the same for a local build and one on slimgo serve. */
export function solveFlags(o: BuildOptions): { cacheImports: readonly CacheEntry[]; cacheExports: readonly CacheEntry[]; entitlements: string[]; frontendImage: string | undefined } {
  return { cacheImports: o.cacheFrom, cacheExports: o.cacheTo, entitlements: entitlements(o), frontendImage: o.frontendImage };
}

/** What the in-process frontend is started with: exactly what BuildKit would put in its environment. */
export function launchEnv(attrs: ReadonlyMap<string, string>, sessionId: string, workers: readonly WorkerInfo[]): LaunchEnv {
  return { opts: new Map(attrs), sessionId, workers, product: "buildkit" };
}
