/** What BuildKit tells a frontend through its environment (frontend/gateway/gateway.go). */
import type { NetworkMode, Platform } from "../types.js";
import { describe, isRecord } from "./json-shape.js";
import { wirePlatform } from "./wire-platform.js";


/** Frontend option keys slimgo reads, as buildx and the Dockerfile frontend spell them. */
export const OPT = {
  filename: "filename",
  target: "target",
  platform: "platform",
  buildArgPrefix: "build-arg:",
  labelPrefix: "label:",
  networkMode: "force-network-mode",
  imageResolveMode: "image-resolve-mode",
  noCache: "no-cache",
  remoteContext: "context",
  dockerfileKey: "dockerfilekey",
  requestId: "requestid",
  localSessionPrefix: "local-sessionid:",
  namedContextPrefix: "context:",
  /** `--cache-from` entries as JSON `[{"Type":"registry","Attrs":{"ref":…}}]`; a frontend must pass them to its solves. */
  cacheImports: "cache-imports",
  /** The older form: comma-separated registry refs. */
  cacheFrom: "cache-from",
  /** `--sbom`: attest:sbom (or the build arg BUILDKIT_ATTEST_SBOM), with comma-separated key=value parameters. */
  attestSbom: "attest:sbom",
  attestSbomBuildArg: "build-arg:BUILDKIT_ATTEST_SBOM",
  /** `--attest type=T,…` as `attest:T`; BuildKit itself reads attest:provenance from the Solve request. */
  attestPrefix: "attest:",
  /** Return the multi-platform result form even for one platform. */
  multiPlatform: "multi-platform",
} as const;

/** Local source names the client uploads (buildx `-f` dir and the build context). */
export const LOCAL_SPEC = "dockerfile";
export const LOCAL_CONTEXT = "context";

export interface WorkerInfo {
  readonly platforms: readonly Platform[];
  readonly buildkitVersion?: string;
}

/** The raw launch environment: options, session and workers. */
export interface LaunchEnv {
  readonly opts: ReadonlyMap<string, string>;
  readonly sessionId: string;
  readonly workers: readonly WorkerInfo[];
  readonly product: string;
}

/** A problem with what BuildKit handed us, named so the user can act on it. */
export class LaunchError extends Error {
  override name = "LaunchError";
}

/** Read BUILDKIT_FRONTEND_OPT_*, BUILDKIT_SESSION_ID and BUILDKIT_WORKERS. */
export function readLaunchEnv(env: NodeJS.ProcessEnv): LaunchEnv {
  const opts = new Map<string, string>();
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith("BUILDKIT_FRONTEND_OPT_") || raw === undefined) continue;
    const eq = raw.indexOf("=");
    if (eq < 0) opts.set(raw, "");
    else opts.set(raw.slice(0, eq), raw.slice(eq + 1));
  }
  return {
    opts,
    sessionId: env["BUILDKIT_SESSION_ID"] ?? "",
    workers: parseWorkers(env["BUILDKIT_WORKERS"]),
    product: env["BUILDKIT_EXPORTEDPRODUCT"] ?? "buildkit",
  };
}

/** BuildKit's JSON list of workers; anything else is refused with what is wrong, so it reaches the user through Return. */
function parseWorkers(json: string | undefined): WorkerInfo[] {
  if (json === undefined || json === "") return [];
  const bad = (what: string) => new LaunchError(`BUILDKIT_WORKERS ${what} (BuildKit sets it to a JSON list of workers, like [{"platforms":[{"os":"linux","architecture":"amd64"}]}])`);
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw bad(`is not valid JSON (${describe(json)})`);
  }
  if (!Array.isArray(data)) throw bad(`is ${describe(data)}, not a list`);
  return data.map((w: unknown, i): WorkerInfo => {
    const where = `worker ${i + 1}`;
    if (!isRecord(w)) throw bad(`has ${where} ${describe(w)}, not an object`);
    const list = w["platforms"] ?? [];
    if (!Array.isArray(list)) throw bad(`has ${where} whose platforms are ${describe(list)}, not a list`);
    const platforms = list.map((p: unknown, j) => {
      const platform = isRecord(p) ? wirePlatform(p["os"], p["architecture"], p["variant"]) : `it is ${describe(p)}, not an object`;
      if (typeof platform === "string") throw bad(`has ${where} with an unusable platform ${j + 1}: ${platform}`);
      return platform;
    });
    const bk = w["buildkitVersion"];
    const version = isRecord(bk) ? bk["version"] : undefined;
    return typeof version === "string" ? { platforms, buildkitVersion: version } : { platforms };
  });
}

/** Build args from `build-arg:NAME` options. */
export function buildArgs(opts: ReadonlyMap<string, string>): Record<string, string> {
  const args: Record<string, string> = {};
  for (const [key, value] of [...opts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (key.startsWith(OPT.buildArgPrefix)) args[key.slice(OPT.buildArgPrefix.length)] = value;
  }
  return args;
}

/** Image labels from `label:NAME` options (`docker buildx build --label`). */
export function optionLabels(opts: ReadonlyMap<string, string>): Array<[string, string]> {
  return [...opts]
    .filter(([key]) => key.startsWith(OPT.labelPrefix))
    .map(([key, value]): [string, string] => [key.slice(OPT.labelPrefix.length), value])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `force-network-mode`, validated. */
export function networkMode(opts: ReadonlyMap<string, string>): NetworkMode {
  const mode = opts.get(OPT.networkMode) ?? "sandbox";
  if (mode === "" || mode === "sandbox" || mode === "default") return "sandbox";
  if (mode === "host" || mode === "none") return mode;
  throw new LaunchError(`unknown network mode "${mode}": use --network=default, host or none`);
}

/** `--build-context NAME=DIR` contexts, which buildx sends as `context:NAME=local:NAME`. */
export function localNamedContexts(opts: ReadonlyMap<string, string>): string[] {
  return [...opts]
    .filter(([key, value]) => key.startsWith(OPT.namedContextPrefix) && value === `local:${key.slice(OPT.namedContextPrefix.length)}`)
    .map(([key]) => key.slice(OPT.namedContextPrefix.length))
    .sort();
}

/** Every `--build-context NAME=VALUE`, as `context:NAME` options carry them (VALUE like docker-image://REF). */
export function namedContexts(opts: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...opts].filter(([key]) => key.startsWith(OPT.namedContextPrefix)).map(([key, value]) => [key.slice(OPT.namedContextPrefix.length), value]));
}

/**
 * Who makes the SBOM `--sbom` asks for: slimgo from the binaries' build info,
 * or BuildKit when the user names a scanner image (generator=…), which
 * BuildKit runs only when the result carries no SPDX document. `--provenance`
 * needs nothing from a frontend: BuildKit writes it.
 */
export function sbomRequest(opts: ReadonlyMap<string, string>): "none" | "slimgo" | "generator" {
  const value = opts.get(OPT.attestSbom) ?? opts.get(OPT.attestSbomBuildArg);
  if (value === undefined) return "none";
  const params = new Map(value.split(",").filter((f) => f.trim() !== "").map((f): [string, string] => {
    const eq = f.indexOf("=");
    return eq < 0 ? [f.trim(), ""] : [f.slice(0, eq).trim(), f.slice(eq + 1).trim()];
  }));
  if (params.get("disabled") === "true") return "none";
  return params.has("generator") ? "generator" : "slimgo";
}

/** The session that owns local source `name` (named contexts may come from another session). */
export function sessionFor(env: LaunchEnv, name: string): string {
  return env.opts.get(OPT.localSessionPrefix + name) ?? env.sessionId;
}

/** One `--cache-from` source, as the SolveRequest carries it. */
export interface CacheImport {
  readonly type: string;
  readonly attrs: Readonly<Record<string, string>>;
}

/**
 * The caches `--cache-from` names. BuildKit hands them to the frontend as an
 * option and applies them only to solves that carry them, so without this a
 * registry cache never reaches slimgo's steps.
 */
export function cacheImports(opts: ReadonlyMap<string, string>): CacheImport[] {
  const imports: CacheImport[] = [];
  const json = opts.get(OPT.cacheImports) ?? "";
  if (json !== "") {
    let data: unknown;
    try {
      data = JSON.parse(json);
    } catch {
      throw new LaunchError(`frontend option ${OPT.cacheImports} is not valid JSON: ${json.slice(0, 80)}; check the --cache-from values`);
    }
    if (!Array.isArray(data)) throw new LaunchError(`frontend option ${OPT.cacheImports} must be a JSON array, got: ${json.slice(0, 80)}`);
    for (const entry of data as Array<Record<string, unknown>>) {
      const type = entry?.["Type"] ?? entry?.["type"];
      const attrs = entry?.["Attrs"] ?? entry?.["attrs"] ?? {};
      if (typeof type !== "string" || type === "" || typeof attrs !== "object" || attrs === null) {
        throw new LaunchError(`frontend option ${OPT.cacheImports} has an entry without a type: ${JSON.stringify(entry).slice(0, 80)}`);
      }
      imports.push({ type, attrs: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, String(v)])) });
    }
  }
  for (const ref of (opts.get(OPT.cacheFrom) ?? "").split(",")) {
    if (ref.trim() !== "") imports.push({ type: "registry", attrs: { ref: ref.trim() } });
  }
  return imports;
}
