/** Byte-level helpers shared by the marshallers. */

const encoder = new TextEncoder();

/**
 * Orders strings by their UTF-8 bytes, as Go's `strings.Compare` and its
 * deterministic map encoding do. JS `<` compares UTF-16 units, which differs
 * for characters above U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** A record whose keys are inserted in UTF-8 byte order; protobuf-es writes map entries in insertion order. */
export function sortedRecord<V>(entries: Iterable<readonly [string, V]>): Record<string, V> {
  const list = [...entries].sort(([a], [b]) => compareUtf8(a, b));
  const out: Record<string, V> = {};
  for (const [k, v] of list) out[k] = v;
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}
