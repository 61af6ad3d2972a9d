/**
 * Byte-level mutation, as AFL's havoc stage does it: bit flips, interesting
 * integers, chunk insert/delete/duplicate, dictionary tokens and splicing,
 * stacked a few at a time. Pure: the same stream and input give the same output.
 */
import { concatBytes as concat } from "../src/llb/bytes.js";
import type { Rng } from "./prng.js";

/** A fixed-width integer field of a binary format, for targeted interesting values. */
export interface Field {
  readonly offset: number;
  readonly width: 1 | 2 | 4 | 8;
  readonly littleEndian: boolean;
}

export interface MutateOptions {
  /** Tokens worth inserting: keywords, punctuation, magic numbers. */
  readonly dictionary?: readonly Uint8Array[];
  /** Another input to splice with. */
  readonly other?: () => Uint8Array;
  /** Upper bound on the output length (default 1 MiB, or the input's length when larger). */
  readonly maxLength?: number;
  /** Operations to stack (default 1 to 8). */
  readonly rounds?: number;
  /** Fields that deserve interesting integers (ELF header entries, table counts). */
  readonly fields?: () => readonly Field[];
}

/** Values at the edges of signedness and size, as unsigned bit patterns. */
export const INTERESTING: Readonly<Record<1 | 2 | 4 | 8, readonly bigint[]>> = {
  1: [0n, 1n, 0x7fn, 0x80n, 0xffn, 0x10n, 0x20n, 0x40n],
  2: [0n, 1n, 0x7fffn, 0x8000n, 0xffffn, 0xff00n, 0x100n, 0x1000n],
  4: [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0xfffffff0n, 0x10000n, 0x1000000n],
  8: [0n, 1n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0x1fffffffffffffn, 0x20000000000000n, 0x100000000n, 1n << 60n],
};

type Op = (rng: Rng, b: Uint8Array, o: MutateOptions) => Uint8Array;

/** A chunk length: mostly a few bytes, sometimes a large part of the input. */
function chunkLength(rng: Rng, limit: number): number {
  if (limit <= 1) return Math.max(0, limit);
  return rng.chance(0.8) ? 1 + rng.int(Math.min(limit, 32)) : 1 + rng.int(limit);
}

function writeInt(b: Uint8Array, at: number, width: 1 | 2 | 4 | 8, value: bigint, littleEndian: boolean): void {
  for (let i = 0; i < width && at + i < b.length; i++) {
    const byte = Number((value >> BigInt(8 * i)) & 0xffn);
    b[littleEndian ? at + i : at + width - 1 - i] = byte;
  }
}

function readInt(b: Uint8Array, at: number, width: 1 | 2 | 4 | 8, littleEndian: boolean): bigint {
  let v = 0n;
  for (let i = 0; i < width && at + i < b.length; i++) v |= BigInt(b[littleEndian ? at + i : at + width - 1 - i] ?? 0) << BigInt(8 * i);
  return v;
}

const copyOf = (b: Uint8Array) => Uint8Array.from(b);

const OPS: readonly { readonly weight: number; readonly op: Op }[] = [
  {
    weight: 4,
    op: (rng, b) => {
      if (b.length === 0) return b;
      const out = copyOf(b);
      const at = rng.int(out.length);
      out[at] = (out[at] as number) ^ (1 << rng.int(8));
      return out;
    },
  },
  {
    weight: 3,
    op: (rng, b) => {
      if (b.length === 0) return b;
      const out = copyOf(b);
      out[rng.int(out.length)] = rng.int(256);
      return out;
    },
  },
  {
    weight: 4,
    op: (rng, b) => {
      if (b.length === 0) return b;
      const width = rng.pick([1, 2, 4, 8] as const);
      const out = copyOf(b);
      writeInt(out, rng.int(out.length), width, rng.pick(INTERESTING[width]), rng.chance(0.5));
      return out;
    },
  },
  {
    weight: 3,
    op: (rng, b) => {
      if (b.length === 0) return b;
      const width = rng.pick([1, 2, 4] as const);
      const le = rng.chance(0.5);
      const at = rng.int(b.length);
      const out = copyOf(b);
      const mask = (1n << BigInt(8 * width)) - 1n;
      const delta = BigInt(rng.range(1, 35)) * (rng.chance(0.5) ? 1n : -1n);
      writeInt(out, at, width, (readInt(out, at, width, le) + delta) & mask, le);
      return out;
    },
  },
  {
    weight: 4,
    op: (rng, b) => {
      if (b.length === 0) return b;
      const len = chunkLength(rng, b.length);
      const at = rng.int(b.length - len + 1);
      return concat(b.subarray(0, at), b.subarray(at + len));
    },
  },
  {
    weight: 3,
    op: (rng, b) => {
      const len = chunkLength(rng, 64);
      const fill = rng.chance(0.5) ? new Uint8Array(len).fill(rng.pick([0, 0xff, 0x20, 0x0a, rng.int(256)])) : rng.bytes(len);
      const at = rng.int(b.length + 1);
      return concat(b.subarray(0, at), fill, b.subarray(at));
    },
  },
  {
    // Duplicate a chunk, sometimes many times over: repetition is what amplifies work.
    weight: 3,
    op: (rng, b) => {
      if (b.length === 0) return b;
      const len = chunkLength(rng, b.length);
      const from = rng.int(b.length - len + 1);
      const chunk = b.subarray(from, from + len);
      const times = rng.chance(0.9) ? 1 : rng.range(2, 64);
      const at = rng.int(b.length + 1);
      return concat(b.subarray(0, at), ...Array.from({ length: times }, () => chunk), b.subarray(at));
    },
  },
  {
    weight: 2,
    op: (rng, b) => {
      if (b.length < 2) return b;
      const len = chunkLength(rng, b.length - 1);
      const from = rng.int(b.length - len + 1);
      const to = rng.int(b.length - len + 1);
      const out = copyOf(b);
      out.set(b.subarray(from, from + len), to);
      return out;
    },
  },
  {
    weight: 4,
    op: (rng, b, o) => {
      const dict = o.dictionary ?? [];
      if (dict.length === 0) return b;
      const token = rng.pick(dict);
      const at = rng.int(b.length + 1);
      if (rng.chance(0.5) || at + token.length > b.length) return concat(b.subarray(0, at), token, b.subarray(at));
      const out = copyOf(b);
      out.set(token, at);
      return out;
    },
  },
  {
    weight: 2,
    op: (rng, b, o) => {
      if (o.other === undefined) return b;
      const other = o.other();
      const cutA = rng.int(b.length + 1);
      const cutB = rng.int(other.length + 1);
      return concat(b.subarray(0, cutA), other.subarray(cutB));
    },
  },
  {
    weight: 1,
    op: (rng, b) => (b.length === 0 ? b : b.slice(0, rng.int(b.length))),
  },
  {
    weight: 4,
    op: (rng, b, o) => {
      const fields = o.fields?.() ?? [];
      if (fields.length === 0) return b;
      const f = rng.pick(fields);
      const out = copyOf(b);
      writeInt(out, f.offset, f.width, rng.pick(INTERESTING[f.width]), f.littleEndian);
      return out;
    },
  },
];

/** One mutant of `input`; `input` itself is never changed. */
export function mutate(rng: Rng, input: Uint8Array, opts: MutateOptions = {}): Uint8Array {
  const max = Math.max(opts.maxLength ?? 1 << 20, input.length);
  const rounds = opts.rounds ?? 1 + rng.int(rng.chance(0.7) ? 3 : 8);
  let out = input;
  for (let i = 0; i < rounds; i++) {
    out = rng.weighted(OPS).op(rng, out, opts);
    if (out.length > max) out = out.slice(0, max);
  }
  return out === input ? copyOf(input) : out;
}

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** Mutate text as bytes; invalid UTF-8 decodes to U+FFFD as TextDecoder does it in the code under test. */
export function mutateText(rng: Rng, input: string, opts: Omit<MutateOptions, "other"> & { readonly other?: () => string } = {}): string {
  const { other, ...rest } = opts;
  const bytesOpts: MutateOptions = other === undefined ? rest : { ...rest, other: () => utf8.encode(other()) };
  return text.decode(mutate(rng, utf8.encode(input), bytesOpts));
}

/** Dictionary entries from strings. */
export function tokens(words: readonly string[]): Uint8Array[] {
  return words.map((w) => utf8.encode(w));
}
