/**
 * The tree a FileSync sender describes, entry by entry in fsutil's order:
 * depth first, each directory's names sorted by their bytes, a directory
 * before its contents. Include and exclude patterns filter it the way fsutil's
 * filter does: a directory nothing inside can match is not walked, and an
 * excluded directory holding an included entry is still sent, just before it.
 */
import type { BigIntStats } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { type Stat, StatSchema } from "../../gen/fsutil/stat_pb.js";
import { MODE_SOCKET, goFileMode, isDirMode, isSymlinkMode } from "./file-mode.js";
import { type MatchInfo, PatternMatcher } from "../../patterns/pattern-matcher.js";

export interface WalkOptions {
  readonly includes?: readonly string[];
  readonly excludes?: readonly string[];
  /** Set every uid and gid to this (the Go client sends 0 for its local dirs). */
  readonly owner?: number;
}

/** One entry: its Stat as sent, and where its bytes are read from. */
export interface WalkEntry {
  readonly stat: Stat;
  readonly file: string;
}

interface Pending {
  readonly path: string;
  readonly entry: WalkEntry;
  readonly include: MatchInfo | undefined;
  readonly exclude: MatchInfo | undefined;
  sent: boolean;
}

/** Throws PatternError for a malformed pattern before anything is read. */
export function walkTree(root: string, opts: WalkOptions = {}): AsyncGenerator<WalkEntry> {
  const include = opts.includes && opts.includes.length > 0 ? new PatternMatcher(opts.includes) : undefined;
  const exclude = opts.excludes && opts.excludes.length > 0 ? new PatternMatcher(opts.excludes) : undefined;
  const onlyPrefixIncludes = include === undefined || include.patterns.every((p) => p.exclusion || !hasPatternChars(p.text));
  const onlyPrefixExceptions = exclude === undefined || exclude.patterns.every((p) => !p.exclusion || !hasPatternChars(p.text));
  const inodes = new Map<bigint, string>();

  /** Whether any pattern of `m` of the given kind could name something inside `dir`. */
  const mayHoldMatch = (m: PatternMatcher, dir: string, exclusion: boolean): boolean =>
    m.patterns.some((p) => p.exclusion === exclusion && `${withoutTrailingGlob(p.text)}/`.startsWith(`${dir}/`));

  async function* walkDir(dir: string, rel: string, parents: Pending[]): AsyncGenerator<WalkEntry> {
    const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT" || err.code === "ENOTDIR") return [];
      throw new Error(`cannot read directory ${dir}: ${err.code ?? err.message}`);
    });
    names.sort(byBytes);
    const parent = parents.at(-1);
    for (const name of names) {
      const path = rel === "" ? name : `${rel}/${name}`;
      const file = join(dir, name);
      const st = await lstat(file, { bigint: true }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") return undefined; // gone since the listing
        throw new Error(`cannot stat ${file}: ${err.code ?? err.message}`);
      });
      if (st === undefined) continue;
      const isDir = st.isDirectory();
      let skip = false;
      let includeInfo: MatchInfo | undefined;
      let excludeInfo: MatchInfo | undefined;
      if (include !== undefined) {
        const r = include.matchWithParent(path, parent?.include);
        includeInfo = r.info;
        if (!r.matched) {
          if (isDir && onlyPrefixIncludes && !mayHoldMatch(include, path, false)) continue;
          skip = true;
        }
      }
      if (exclude !== undefined) {
        const r = exclude.matchWithParent(path, parent?.exclude);
        excludeInfo = r.info;
        if (r.matched) {
          if (isDir && onlyPrefixExceptions && (!exclude.exclusions || !mayHoldMatch(exclude, path, true))) continue;
          skip = true;
        }
      }
      if (skip && !isDir) continue;
      const entry: WalkEntry = { stat: await toStat(file, path, st, inodes, opts.owner), file };
      const pending: Pending = { path, entry, include: includeInfo, exclude: excludeInfo, sent: !skip };
      if (!skip) {
        for (const p of parents) {
          if (!p.sent) {
            p.sent = true;
            yield p.entry;
          }
        }
        yield entry;
      }
      if (isDir) yield* walkDir(file, path, [...parents, pending]);
    }
  }

  return walkDir(root, "", []);
}

/** os.ReadDir's order: names compared as UTF-8 bytes. */
function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function hasPatternChars(text: string): boolean {
  return /[*[\]?^\\]/.test(withoutTrailingGlob(text));
}

function withoutTrailingGlob(text: string): string {
  if (text.endsWith("/**")) return text.slice(0, -3);
  if (text.endsWith("/*")) return text.slice(0, -2);
  return text;
}

/** The Stat fsutil makes of an entry: Go mode bits, nanosecond mtime, link target, first path of a hard link. */
async function toStat(file: string, path: string, st: BigIntStats, inodes: Map<bigint, string>, owner: number | undefined): Promise<Stat> {
  const mode = goFileMode(Number(st.mode));
  const stat = create(StatSchema, {
    path,
    mode: (mode & ~MODE_SOCKET) >>> 0, // as fsutil: a socket goes out without its type bit
    uid: owner ?? Number(st.uid),
    gid: owner ?? Number(st.gid),
    modTime: st.mtimeNs,
  });
  if (!isDirMode(mode)) {
    stat.size = st.size;
    if (st.isBlockDevice() || st.isCharacterDevice()) {
      const rdev = st.rdev;
      stat.devmajor = (rdev >> 8n) & 0xfffn;
      stat.devminor = (rdev & 0xffn) | ((rdev >> 12n) & 0xfff00n);
    }
    const first = st.nlink > 1n ? inodes.get(st.ino) : undefined;
    if (first !== undefined) {
      stat.linkname = first;
      stat.size = 0n;
    } else inodes.set(st.ino, path);
    if (isSymlinkMode(mode)) stat.linkname = await readlink(file);
  }
  return stat;
}
