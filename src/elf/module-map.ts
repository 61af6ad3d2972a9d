/** Package → module: longest module-path prefix from the build info; the standard library is "std". */
import type { GoBuildInfo } from "./modinfo.js";

/** What a package resolved to. */
export interface ModuleRef {
  /** Module path, "std" for the standard library, "unknown" when no module matches. */
  readonly path: string;
  /** The version `go version -m` shows; for a replaced module "=> PATH [VERSION]", the replacement. */
  readonly version?: string;
}

export const STD = "std";
export const UNKNOWN = "unknown";

/** Resolves package paths to modules; results are cached per package. */
export function moduleResolver(info: GoBuildInfo | undefined): (pkg: string) => ModuleRef {
  const byPath = new Map<string, ModuleRef>();
  for (const m of [...(info?.deps ?? []), ...(info?.main ? [info.main] : [])]) {
    const r = m.replace;
    // A local replacement has no version of its own ("(devel)"): its directory says more.
    const version = r ? `=> ${r.path}${r.version && r.version !== "(devel)" ? ` ${r.version}` : ""}` : m.version;
    byPath.set(m.path, version ? { path: m.path, version } : { path: m.path });
  }
  const main: ModuleRef = byPath.get(info?.main?.path ?? "") ?? { path: info?.main?.path || info?.path || UNKNOWN };
  // Only prefixes as long as some module path can match: a path of many elements costs one pass, not one lookup per element.
  const lengths = new Set([...byPath.keys()].map((p) => p.length));
  const cache = new Map<string, ModuleRef>();
  const resolve = (pkg: string): ModuleRef => {
    // Package main keeps the name "main" in symbols whatever its import path.
    if (pkg === "main" || pkg === info?.path) return main;
    for (let end = pkg.length; end > 0; end = pkg.lastIndexOf("/", end - 1)) {
      const hit = lengths.has(end) ? byPath.get(pkg.slice(0, end)) : undefined;
      if (hit) return hit;
    }
    // The standard library's first path element has no dot (vendor/golang.org/x/… included).
    const first = pkg.split("/", 1)[0] ?? "";
    return { path: first.includes(".") ? UNKNOWN : STD };
  };
  return (pkg) => {
    let ref = cache.get(pkg);
    if (ref === undefined) cache.set(pkg, (ref = resolve(pkg)));
    return ref;
  };
}
