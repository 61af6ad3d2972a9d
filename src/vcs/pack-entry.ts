/** The header of one object in a pack: its type, inflated size and, for a delta, where its base is. */
import { GitObjectError } from "./git-error.js";

export const OBJ_OFS_DELTA = 6;
export const OBJ_REF_DELTA = 7;
const TYPES = new Set([1, 2, 3, 4, OBJ_OFS_DELTA, OBJ_REF_DELTA]);

/** Enough bytes for any header we accept: a 10-byte size, a 10-byte base offset or a SHA-256 base name. */
export const ENTRY_HEAD_BYTES = 48;

export interface EntryHead {
  readonly type: number;
  /** Inflated size: the object's, or for a delta the delta's. */
  readonly size: number;
  /** Bytes before the zlib stream. */
  readonly length: number;
  /** OFS_DELTA: how far back in the pack the base starts. REF_DELTA: the base's name. */
  readonly base?: { readonly back: number } | { readonly name: Uint8Array };
}

export function parseEntryHead(bytes: Uint8Array, hashSize: number, where: string): EntryHead {
  let i = 0;
  let groups = 0;
  const next = () => {
    // Ten 7-bit groups reach past 2^53: a longer number is not a real size or offset.
    if (i >= bytes.length || ++groups > 10) throw new GitObjectError(`${where}: the object header is cut short or too long`);
    return bytes[i++] as number;
  };
  let b = next();
  const type = (b >> 4) & 7;
  if (!TYPES.has(type)) throw new GitObjectError(`${where}: object type ${type} is not one git writes`);
  let size = b & 0x0f;
  let scale = 16;
  while (b & 0x80) {
    b = next();
    size += (b & 0x7f) * scale;
    scale *= 128;
  }
  if (!Number.isSafeInteger(size)) throw new GitObjectError(`${where}: the object size is past any real object's`);
  if (type === OBJ_OFS_DELTA) {
    groups = 0;
    b = next();
    let back = b & 0x7f;
    while (b & 0x80) {
      b = next();
      back = (back + 1) * 128 + (b & 0x7f);
    }
    if (!Number.isSafeInteger(back)) throw new GitObjectError(`${where}: the delta's base offset is past any real pack's`);
    return { type, size, length: i, base: { back } };
  }
  if (type === OBJ_REF_DELTA) {
    if (bytes.length < i + hashSize) throw new GitObjectError(`${where}: the delta's base name is cut short`);
    return { type, size, length: i + hashSize, base: { name: bytes.slice(i, i + hashSize) } };
  }
  return { type, size, length: i };
}
