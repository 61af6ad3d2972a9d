/**
 * `--cache-to type=local,dest=DIR` and `--cache-from type=local,src=DIR` as
 * BuildKit's Go client sends them: each directory becomes a content store the
 * session serves under "local:" + its absolute path, an export's tag (default
 * latest) is kept for index.json, and an import without digest= is given the
 * manifest digest index.json records under its tag. An import with nothing to
 * read is dropped with a warning, and the build goes on without it.
 */
import { stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import type { LocalCacheSpec } from "../session/index.js";
import { manifestByTag } from "../session/oci-layout.js";
import type { BuildOptions, CacheEntry } from "./build-options.js";
import { ExportError } from "./exporters.js";

export interface LocalCachePlan {
  /** The options with local entries' paths made absolute and imports' digests filled in. */
  readonly options: BuildOptions;
  readonly caches: readonly LocalCacheSpec[];
  readonly warnings: readonly string[];
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export async function localCaches(o: BuildOptions, cwd: string): Promise<LocalCachePlan> {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const caches: LocalCacheSpec[] = [];
  const warnings: string[] = [];

  const exportTo = async (c: CacheEntry): Promise<CacheEntry> => {
    const dir = abs(c.attrs["dest"] ?? "");
    const st = await stat(dir).catch(() => undefined);
    if (st !== undefined && !st.isDirectory()) throw new ExportError(`--cache-to type=local,dest=${c.attrs["dest"]}: not a directory: name a directory (it is made if missing)`);
    caches.push({ id: `local:${dir}`, dir, exportTag: c.attrs["tag"] || "latest" });
    return { type: "local", attrs: { ...c.attrs, dest: dir } };
  };

  const importFrom = async (c: CacheEntry): Promise<CacheEntry | undefined> => {
    const dir = abs(c.attrs["src"] ?? "");
    const flag = `--cache-from type=local,src=${c.attrs["src"]}`;
    const digest = c.attrs["digest"] || (await taggedDigest(dir, c.attrs["tag"] || "latest").catch((err: Error) => warn(warnings, `${flag}: ${err.message}`)));
    if (digest === undefined) return undefined;
    if (!DIGEST.test(digest)) throw new ExportError(`${flag}: digest=${digest} is not a sha256 digest: write digest=sha256:<64 hex digits>`);
    if (!(await stat(join(dir, "blobs", "sha256", digest.slice("sha256:".length))).then((s) => s.isFile(), () => false))) {
      return warn(warnings, `${flag}: the cache manifest ${digest} is not in ${dir}/blobs`);
    }
    caches.push({ id: `local:${dir}`, dir });
    return { type: "local", attrs: { ...c.attrs, src: dir, digest } };
  };

  const cacheTo: CacheEntry[] = [];
  for (const c of o.cacheTo) cacheTo.push(c.type === "local" ? await exportTo(c) : c);
  const cacheFrom: CacheEntry[] = [];
  for (const c of o.cacheFrom) {
    const entry = c.type === "local" ? await importFrom(c) : c;
    if (entry !== undefined) cacheFrom.push(entry);
  }
  return { options: { ...o, cacheFrom, cacheTo }, caches, warnings };
}

/** The manifest digest index.json names under `tag`. */
async function taggedDigest(dir: string, tag: string): Promise<string> {
  const found = await manifestByTag(dir, tag).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") throw new Error(`no cache in ${dir} (no index.json)`);
    throw err;
  });
  if (found === undefined) throw new Error(`index.json in ${dir} has no cache tagged ${tag}`);
  return found.digest;
}

function warn(warnings: string[], message: string): undefined {
  warnings.push(`${message}: building without it`);
  return undefined;
}
