/**
 * A small seeded PRNG (xoshiro128**), so every input of a campaign is a pure
 * function of (seed, target, index) and any finding can be made again.
 */

/** Random choices from one stream; never Math.random. */
export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  u32(): number;
  /** An integer in [0, n); 0 when n <= 0. */
  int(n: number): number;
  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** An item chosen by weight. */
  weighted<T extends { readonly weight: number }>(items: readonly T[]): T;
  /** n random bytes. */
  bytes(n: number): Uint8Array;
  /** An integer in [0, 2^k) with k uniform in [0, bits]: small values often, large ones sometimes. */
  size(bits: number): number;
}

/** FNV-1a over the parts, then splitmix32 to fill the state. */
function seedState(parts: readonly (string | number)[]): Uint32Array {
  let h = 0x811c9dc5;
  for (const part of parts) {
    for (const ch of `${String(part)}\u0000`) {
      h ^= ch.codePointAt(0) as number;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  const s = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    h = (h + 0x9e3779b9) >>> 0;
    let z = h;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    s[i] = (z ^ (z >>> 16)) >>> 0;
  }
  if (s.every((x) => x === 0)) s[0] = 1;
  return s;
}

/** The stream for these parts, e.g. rngFor(seed, "spec", 1234). */
export function rngFor(...parts: readonly (string | number)[]): Rng {
  const s = seedState(parts);
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const u32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1] as number, 5) >>> 0, 7), 9) >>> 0;
    const t = ((s[1] as number) << 9) >>> 0;
    s[2] = (s[2] as number) ^ (s[0] as number);
    s[3] = (s[3] as number) ^ (s[1] as number);
    s[1] = (s[1] as number) ^ (s[2] as number);
    s[0] = (s[0] as number) ^ (s[3] as number);
    s[2] = (s[2] as number) ^ t;
    s[3] = rotl(s[3] as number, 11);
    return result;
  };
  // Two draws for ranges above 2^32, so large sizes stay uniform too.
  const int = (n: number): number => {
    if (!(n > 0)) return 0;
    if (n <= 0x100000000) return Math.floor((u32() / 0x100000000) * n);
    return Math.floor(((u32() * 0x100000000 + u32()) / 2 ** 64) * n);
  };
  const rng: Rng = {
    u32,
    int,
    range: (lo, hi) => lo + int(hi - lo + 1),
    chance: (p) => u32() / 0x100000000 < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[int(items.length)] as T;
    },
    weighted: <T extends { readonly weight: number }>(items: readonly T[]): T => {
      const total = items.reduce((n, i) => n + i.weight, 0);
      let at = (u32() / 0x100000000) * total;
      for (const item of items) {
        at -= item.weight;
        if (at < 0) return item;
      }
      return items[items.length - 1] as T;
    },
    bytes: (n) => {
      const out = new Uint8Array(Math.max(0, n));
      for (let i = 0; i < out.length; i += 4) {
        const v = u32();
        out[i] = v & 0xff;
        if (i + 1 < out.length) out[i + 1] = (v >>> 8) & 0xff;
        if (i + 2 < out.length) out[i + 2] = (v >>> 16) & 0xff;
        if (i + 3 < out.length) out[i + 3] = v >>> 24;
      }
      return out;
    },
    size: (bits) => int(2 ** int(bits + 1)),
  };
  return rng;
}
