/**
 * A pack index, version 2 (git's pack-format.txt): a 256-entry fanout of
 * counts by first byte, the sorted object names, their CRCs, 31-bit offsets
 * into the pack, then 64-bit offsets for the entries whose top bit is set.
 * Positions only: the reader asks for just the bytes it needs.
 */
import { GitObjectError } from "./git-error.js";

/** The magic, the version and the fanout: what is read first. */
export const INDEX_HEAD_BYTES = 8 + 256 * 4;
const MAGIC = 0xff744f63;

export interface IndexHead {
  /** How many objects the pack holds. */
  readonly count: number;
  /** The run of sorted names that start with this byte: [first, end). */
  bucket(firstByte: number): { first: number; end: number };
}

export function parseIndexHead(head: Uint8Array, name: string): IndexHead {
  if (head.length < INDEX_HEAD_BYTES) throw new GitObjectError(`${name} is shorter than a pack index's header`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (view.getUint32(0) !== MAGIC || view.getUint32(4) !== 2) throw new GitObjectError(`${name} is not a version 2 pack index`);
  const fanout = (i: number) => view.getUint32(8 + i * 4);
  for (let i = 1; i < 256; i++) {
    if (fanout(i) < fanout(i - 1)) throw new GitObjectError(`${name}: its fanout table decreases at ${i}`);
  }
  return {
    count: fanout(255),
    bucket: (b) => ({ first: b === 0 ? 0 : fanout(b - 1), end: fanout(b) }),
  };
}

/** Where the names of entries [first, …) start. */
export function namesAt(first: number, hashSize: number): number {
  return INDEX_HEAD_BYTES + first * hashSize;
}

/** Entry i's 4-byte offset word. */
export function offsetWordAt(count: number, hashSize: number, i: number): number {
  return INDEX_HEAD_BYTES + count * (hashSize + 4) + i * 4;
}

/** The k-th 8-byte offset, for offset words with the top bit set. */
export function largeOffsetAt(count: number, hashSize: number, k: number): number {
  return INDEX_HEAD_BYTES + count * (hashSize + 8) + k * 8;
}

/** The position of `hash` in a run of sorted names, or -1. */
export function findName(names: Uint8Array, hash: Uint8Array): number {
  const size = hash.length;
  let lo = 0;
  let hi = Math.floor(names.length / size);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = Buffer.compare(names.subarray(mid * size, mid * size + size), hash);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/** An offset word: a pack offset, or (top bit set) the index of a large offset. */
export function offsetWord(word: number): { offset: number } | { large: number } {
  return word >= 0x80000000 ? { large: word - 0x80000000 } : { offset: word };
}

/** A big-endian 64-bit offset; past 2^53 it cannot be a real pack's. */
export function largeOffset(bytes: Uint8Array, name: string): number {
  if (bytes.length < 8) throw new GitObjectError(`${name} ends inside its large offsets`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const value = view.getBigUint64(0);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new GitObjectError(`${name} gives an offset past any pack's size`);
  return Number(value);
}
