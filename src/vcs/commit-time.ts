/**
 * The committer time of a commit, read from a repository's objects: a loose
 * object, else an entry of a pack found through the packs' indexes, a delta
 * resolved against its base. Only the byte ranges needed are read, since a
 * pack may be hundreds of megabytes, and every size and depth is bounded.
 */
import { committerTime, looseObject } from "./commit-object.js";
import { applyDelta } from "./git-delta.js";
import { GitObjectError } from "./git-error.js";
import { inflateAtMost } from "./inflate.js";
import { ENTRY_HEAD_BYTES, parseEntryHead } from "./pack-entry.js";
import { INDEX_HEAD_BYTES, type IndexHead, findName, largeOffset, largeOffsetAt, namesAt, offsetWord, offsetWordAt, parseIndexHead } from "./pack-index.js";

/** The reads the object reader needs, relative to the build context. */
export interface GitFiles {
  /** Up to `length` bytes of a file from `offset`, fewer at its end; undefined when there is no such file. */
  readRange(path: string, offset: number, length: number): Promise<Uint8Array | undefined>;
  /** Names of the files directly in `dir` that end in `suffix`; none when there is no such directory. */
  listFiles(dir: string, suffix: string): Promise<string[]>;
}

/** A commit is a few hundred bytes; a delta base or a delta of one is a commit too (git deltifies like with like). */
export const MAX_OBJECT_BYTES = 16 << 20;
/** git gc --aggressive chains up to 250 deltas (50 since git 2.18); beyond that it is not a pack git wrote. */
export const MAX_DELTA_DEPTH = 260;
/** All inflating for one commit, over its whole delta chain. */
const MAX_INFLATED_TOTAL = 64 << 20;
/** A run of index names sharing a first byte: 16 MiB is 800,000 objects per byte, 200 million in the pack. */
const MAX_BUCKET_BYTES = 16 << 20;

const TYPE_NAMES: Readonly<Record<number, string>> = { 1: "commit", 2: "tree", 3: "blob", 4: "tag" };

interface GitObject {
  readonly type: string;
  readonly body: Uint8Array;
}

/**
 * Seconds since 1970 of the commit's committer line; undefined when the
 * repository does not hold the object (a shallow or partial clone, alternates)
 * or it is no commit. A GitObjectError when what is there is not what git writes.
 */
export async function commitTime(files: GitFiles, commit: string, gitDir = ".git"): Promise<number | undefined> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) throw new GitObjectError(`${JSON.stringify(commit.slice(0, 80))} is not a commit hash`);
  const object = await objectReader(files, gitDir, commit.length / 2).read(commit, 0);
  return object?.type === "commit" ? committerTime(object.body) : undefined;
}

function objectReader(files: GitFiles, gitDir: string, hashSize: number) {
  const objects = `${gitDir}/objects`;
  const heads = new Map<string, Promise<IndexHead>>();
  let inflated = 0;
  let indexes: Promise<string[]> | undefined;

  const inflate = (data: Uint8Array, size: number, what: string) => {
    inflated += size;
    if (inflated > MAX_INFLATED_TOTAL) throw new GitObjectError(`${what}: its delta chain inflates to more than ${MAX_INFLATED_TOTAL} bytes`);
    return inflateAtMost(data, size, what);
  };

  const need = async (path: string, offset: number, length: number, what: string) => {
    const data = await files.readRange(path, offset, length);
    if (data === undefined || data.length < length) throw new GitObjectError(`${path} ends inside ${what}`);
    return data;
  };

  const loose = async (hash: string): Promise<GitObject | undefined> => {
    const path = `${objects}/${hash.slice(0, 2)}/${hash.slice(2)}`;
    // Deflate never grows data by more than a few bytes per 16 KiB block.
    const cap = MAX_OBJECT_BYTES + (MAX_OBJECT_BYTES >> 10) + 64;
    const data = await files.readRange(path, 0, cap + 1);
    if (data === undefined) return undefined;
    if (data.length > cap) throw new GitObjectError(`${path} is larger than ${cap} bytes`);
    const object = looseObject(inflate(data, MAX_OBJECT_BYTES + 64, path));
    if (object === undefined) throw new GitObjectError(`${path} is not a loose object`);
    return object;
  };

  /** The offset of `name` in the pack beside `index`, or undefined when that pack does not hold it. */
  const find = async (index: string, name: Uint8Array): Promise<number | undefined> => {
    let head = heads.get(index);
    if (head === undefined) {
      head = need(index, 0, INDEX_HEAD_BYTES, "its header").then((bytes) => parseIndexHead(bytes, index));
      heads.set(index, head);
    }
    const { count, bucket } = await head;
    const { first, end } = bucket(name[0] as number);
    if (end === first) return undefined;
    if ((end - first) * hashSize > MAX_BUCKET_BYTES) throw new GitObjectError(`${index} holds more names than any real pack index`);
    const names = await need(index, namesAt(first, hashSize), (end - first) * hashSize, "its names");
    const at = findName(names, name);
    if (at === -1) return undefined;
    const bytes = await need(index, offsetWordAt(count, hashSize, first + at), 4, "its offsets");
    const word = offsetWord(new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0));
    if ("offset" in word) return word.offset;
    return largeOffset(await need(index, largeOffsetAt(count, hashSize, word.large), 8, "its large offsets"), index);
  };

  const packed = async (pack: string, offset: number, depth: number): Promise<GitObject> => {
    const where = `${pack} at ${offset}`;
    const headBytes = await files.readRange(pack, offset, ENTRY_HEAD_BYTES);
    if (headBytes === undefined) throw new GitObjectError(`${pack} is missing beside its index`);
    const head = parseEntryHead(headBytes, hashSize, where);
    if (head.size > MAX_OBJECT_BYTES) throw new GitObjectError(`${where}: an object of ${head.size} bytes is larger than ${MAX_OBJECT_BYTES}`);
    const compressed = await files.readRange(pack, offset + head.length, head.size + Math.ceil(head.size / 16384) * 5 + 64);
    const data = inflate(compressed ?? new Uint8Array(0), head.size, where);
    if (data.length !== head.size) throw new GitObjectError(`${where}: the object is cut short`);
    if (head.base === undefined) return { type: TYPE_NAMES[head.type] ?? "unknown", body: data };
    if (depth >= MAX_DELTA_DEPTH) throw new GitObjectError(`${where}: a chain of more than ${MAX_DELTA_DEPTH} deltas`);
    let base: GitObject | undefined;
    if ("back" in head.base) {
      if (head.base.back <= 0 || head.base.back > offset) throw new GitObjectError(`${where}: the delta's base is not before it in the pack`);
      base = await packed(pack, offset - head.base.back, depth + 1);
    } else {
      base = await read(Buffer.from(head.base.name).toString("hex"), depth + 1);
      if (base === undefined) throw new GitObjectError(`${where}: the delta's base is not in the repository`);
    }
    return { type: base.type, body: applyDelta(base.body, data, MAX_OBJECT_BYTES) };
  };

  const read = async (hash: string, depth: number): Promise<GitObject | undefined> => {
    const found = await loose(hash);
    if (found !== undefined) return found;
    indexes ??= files.listFiles(`${objects}/pack`, ".idx").then((names) => names.sort());
    const name = Buffer.from(hash, "hex");
    for (const idx of await indexes) {
      const index = `${objects}/pack/${idx}`;
      const offset = await find(index, name);
      if (offset !== undefined) return packed(`${index.slice(0, -".idx".length)}.pack`, offset, depth);
    }
    return undefined;
  };

  return { read };
}
