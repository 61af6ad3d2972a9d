/**
 * `followpaths`: paths BuildKit wants with the symlinks along them resolved,
 * so the link targets are sent too (fsutil's FollowLinks). Each path's
 * components are walked from the root; a symlink is replaced by its target
 * (absolute targets are taken from the root), a wildcard in a component is
 * matched against the directory's names. The result joins the include
 * patterns; undefined means everything is included.
 */
import { lstat, readdir, readlink } from "node:fs/promises";
import { join, posix } from "node:path";
import { PatternMatcher } from "../../patterns/pattern-matcher.js";

/** Links followed per path at most: a cycle ends with an error instead of a hang. */
const MAX_LINKS = 255;

export async function followPaths(root: string, paths: readonly string[]): Promise<string[] | undefined> {
  const resolved = new Set<string>();
  let budget = MAX_LINKS * Math.max(1, paths.length);

  async function linkTargets(rel: string, wildcards: boolean): Promise<string[] | undefined> {
    const base = posix.basename(rel);
    if (wildcards && /[*?[]/.test(base.replace(/\\./g, ""))) {
      const parent = posix.dirname(rel);
      const names = await readdir(join(root, parent)).catch(() => [] as string[]);
      const m = new PatternMatcher([base]);
      const out: string[] = [];
      for (const name of names.sort()) {
        if (!m.patterns[0]!.test(name)) continue;
        out.push(...((await linkTargets(posix.join(parent, name), false)) ?? []));
      }
      return out;
    }
    const st = await lstat(join(root, rel)).catch(() => undefined);
    if (st === undefined || !st.isSymbolicLink()) return undefined;
    const link = posix.normalize(await readlink(join(root, rel)));
    return [posix.isAbsolute(link) ? link : posix.join("/", posix.dirname(rel), link)];
  }

  async function add(path: string): Promise<void> {
    if (--budget < 0) throw new Error(`followpaths: too many symlinks while resolving ${JSON.stringify(path)}`);
    let rest = posix.join(".", path);
    let current = ".";
    for (;;) {
      const cut = rest.indexOf("/");
      const head = cut === -1 ? rest : rest.slice(0, cut);
      rest = cut === -1 ? "" : rest.slice(cut + 1);
      current = posix.join(current, head);
      const targets = await linkTargets(current, true);
      if ((rest === "" || targets !== undefined) && resolved.has(current)) return;
      if (targets !== undefined) {
        resolved.add(current);
        for (const t of targets) await add(posix.join(t, rest));
        return;
      }
      if (rest === "") {
        resolved.add(current);
        return;
      }
    }
  }

  for (const p of paths) await add(p);
  const out = [...resolved].sort();
  if (out.includes(".")) return undefined;
  return out;
}
