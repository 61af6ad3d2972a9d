/** A ustar writer (PAX records for long names), and gzip pieces for layers. */
import { gzipSync } from "node:zlib";
import { concatBytes } from "../../src/llb/bytes.js";

export interface TarEntry {
  readonly name: string;
  readonly type?: "file" | "directory" | "symlink" | "link" | "fifo";
  readonly data?: Uint8Array;
  readonly linkname?: string;
  readonly mode?: number;
  /** A size for the header other than the data's (a lie, for hostile archives). */
  readonly headerSize?: number;
}

const enc = new TextEncoder();
const TYPEFLAG = { file: "0", link: "1", symlink: "2", directory: "5", fifo: "6" } as const;

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, "0")}\0`;
}

function header(name: string, typeflag: string, size: number, linkname: string, mode: number): Uint8Array {
  const h = new Uint8Array(512);
  const put = (s: string, at: number, len: number) => h.set(enc.encode(s).subarray(0, len), at);
  put(name, 0, 100);
  put(octal(mode, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  // Sizes past the 11-digit octal field use the base-256 form.
  if (size < 8 ** 11) put(octal(size, 12), 124, 12);
  else {
    h[124] = 0x80;
    let v = BigInt(size);
    for (let i = 135; i > 124; i--, v >>= 8n) h[i] = Number(v & 0xffn);
  }
  put(octal(0, 12), 136, 12);
  h.fill(0x20, 148, 156);
  put(typeflag, 156, 1);
  put(linkname, 157, 100);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  const sum = h.reduce((n, b) => n + b, 0);
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return h;
}

function padded(data: Uint8Array): Uint8Array[] {
  const rest = data.length % 512;
  return rest === 0 ? [data] : [data, new Uint8Array(512 - rest)];
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (`${len}${body}`.length !== len) len = `${len}${body}`.length;
  return `${len}${body}`;
}

/** The archive's parts; concatenate with `join`. */
export function tarParts(entries: readonly TarEntry[], end = true): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const data = e.data ?? new Uint8Array(0);
    const type = e.type ?? "file";
    const linkname = e.linkname ?? "";
    if (enc.encode(e.name).length > 100 || enc.encode(linkname).length > 100) {
      const pax = enc.encode(paxRecord("path", e.name) + (linkname.length > 100 ? paxRecord("linkpath", linkname) : ""));
      parts.push(header("PaxHeader", "x", pax.length, "", 0o644), ...padded(pax));
    }
    parts.push(header(e.name, TYPEFLAG[type], e.headerSize ?? (type === "file" ? data.length : 0), linkname, e.mode ?? (type === "directory" ? 0o755 : 0o644)));
    if (type === "file") parts.push(...padded(data));
  }
  if (end) parts.push(new Uint8Array(1024));
  return parts;
}

export function join(parts: readonly Uint8Array[]): Uint8Array {
  return concatBytes(...parts);
}

export function tar(entries: readonly TarEntry[]): Uint8Array {
  return join(tarParts(entries));
}

export function gzip(data: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(data, { level: 1 }));
}

let zerosMember: Uint8Array | undefined;
const MEMBER = 16 << 20;

/**
 * A gzip bomb: a tar holding one file of `size` zero bytes, as concatenated
 * gzip members (gunzip reads them all). A 16 MiB member of zeros compresses
 * to about 16 KB, so a gibibyte costs a megabyte and no time to make.
 */
export function gzipBomb(size: number, name = "zeros"): Uint8Array {
  zerosMember ??= gzip(new Uint8Array(MEMBER));
  const members = Math.ceil(size / MEMBER);
  return join([gzip(header(name, "0", members * MEMBER, "", 0o644)), ...Array.from({ length: members }, () => zerosMember as Uint8Array), gzip(new Uint8Array(1024))]);
}
