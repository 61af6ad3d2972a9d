/**
 * Go's strconv.Unquote for a double-quoted string, shared by the go.mod
 * reader and the build-info reader: \x and octal escapes are bytes, \u and
 * \U code points, so the result is bytes for the caller to decode (go.mod
 * insists on UTF-8, build info takes what the linker wrote).
 */
export type Unquoted = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly offset: number; readonly message: string };

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b, "\\": 0x5c, '"': 0x22 };
const utf8 = new TextEncoder();

/** `raw` with its quotes; `offset` in a failure is the escape's index in `raw`. */
export function unquoteGo(raw: string): Unquoted {
  if (raw.length < 2 || !raw.startsWith('"') || !raw.endsWith('"')) return { ok: false, offset: 0, message: `${raw} is not a double-quoted string` };
  // Written in place: a UTF-16 unit is at most 3 bytes of UTF-8 and an escape never grows, so this is enough,
  // and build info strings run to megabytes, where an array of numbers would cost many times their size.
  const out = new Uint8Array(raw.length * 3);
  let n = 0;
  let literal = 1;
  const flush = (end: number) => {
    if (end > literal) n += utf8.encodeInto(raw.slice(literal, end), out.subarray(n)).written;
  };
  for (let i = 1; i < raw.length - 1; i++) {
    if (raw[i] === '"') return { ok: false, offset: i, message: "unescaped quote inside a quoted string" };
    if (raw[i] !== "\\") continue;
    flush(i);
    const e = raw[i + 1] ?? "";
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out[n++] = simple;
      i += 1;
    } else if (e === "x" || e === "u" || e === "U") {
      const width = e === "x" ? 2 : e === "u" ? 4 : 8;
      const digits = raw.slice(i + 2, Math.min(i + 2 + width, raw.length - 1));
      if (!HEX[width]?.test(digits)) return { ok: false, offset: i, message: `invalid escape "\\${e}${digits}" in quoted string: \\${e} takes ${width} hex digits` };
      const value = Number.parseInt(digits, 16);
      if (e === "x") out[n++] = value;
      else if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return { ok: false, offset: i, message: `escape "\\${e}${digits}" is not a Unicode character` };
      else n += utf8.encodeInto(String.fromCodePoint(value), out.subarray(n)).written;
      i += 1 + digits.length;
    } else if (e >= "0" && e <= "7") {
      const digits = raw.slice(i + 1, Math.min(i + 4, raw.length - 1));
      if (!/^[0-7]{3}$/.test(digits)) return { ok: false, offset: i, message: `invalid escape "\\${digits}" in quoted string: octal escapes have three digits` };
      const value = Number.parseInt(digits, 8);
      if (value > 0xff) return { ok: false, offset: i, message: `escape "\\${digits}" is above \\377, the largest byte` };
      out[n++] = value;
      i += 3;
    } else {
      return { ok: false, offset: i, message: `invalid escape "\\${e}" in quoted string` };
    }
    literal = i + 1;
  }
  flush(raw.length - 1);
  return { ok: true, bytes: out.subarray(0, n) };
}

const HEX: Readonly<Record<number, RegExp>> = { 2: /^[0-9a-fA-F]{2}$/, 4: /^[0-9a-fA-F]{4}$/, 8: /^[0-9a-fA-F]{8}$/ };
