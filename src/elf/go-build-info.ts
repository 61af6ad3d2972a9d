/** The Go build info every module-aware binary carries (what `go version -m` prints), read from the file itself. */
import { Buffer } from "node:buffer";
import { ElfError } from "./elf-error.js";
import { type GoBuildInfo, parseModinfo, stripSentinels } from "./modinfo.js";
import { type ElfSegment, PF, PT, vaddrToOffset } from "./program-headers.js";
import { ByteReader } from "./reader.js";
import { type ElfInfo, readElf } from "./read-elf.js";

const MAGIC = Buffer.from("\xff Go buildinf:", "latin1");
const HEADER_SIZE = 32;
const ALIGN = 16;
const FLAG_BIG_ENDIAN = 1;
const FLAG_INLINE_STRINGS = 2;
/** Longest toolchain version taken: "go1.24.4" and "devel go1.25-1a2b3c4 Tue Jan 7 …" are far shorter. */
const MAX_VERSION = 256;
/** Aligned magic matches decoded at most when scanning a stripped binary. */
const MAX_CANDIDATES = 64;

/** A magic match that is not really a header (the magic as a string constant in rodata, say). */
class NotAHeader extends Error {}

/**
 * Go build info from the `.go.buildinfo` section, or from a 16-byte-aligned
 * `\xff Go buildinf:` header found by scanning when sections are stripped.
 * Reads the inline format (Go 1.18+) and the older pointer format (needs the
 * ELF program headers; read from `bytes` when `elf` is not given). undefined
 * when there is no build info (not Go, or Go older than 1.13).
 */
export function readGoBuildInfo(bytes: Uint8Array, elf?: ElfInfo): GoBuildInfo | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let parsed: ElfInfo | null | undefined = elf;
  const layout = (): ElfInfo | undefined => {
    if (parsed === undefined) {
      try {
        parsed = readElf(bytes);
      } catch (err) {
        if (!(err instanceof ElfError)) throw err;
        parsed = null;
      }
    }
    return parsed ?? undefined;
  };

  const section = elf?.sections.find((s) => s.name === ".go.buildinfo" && !s.nobits);
  if (section && hasMagic(buf, section.offset)) {
    // The linker put it here, so a failure is corruption, not a false match.
    try {
      return decode(bytes, section.offset, layout);
    } catch (err) {
      if (err instanceof NotAHeader) throw new ElfError(`corrupt Go build info in .go.buildinfo: ${err.message}`);
      throw err;
    }
  }
  let tries = 0;
  for (const at of candidates(buf, elf)) {
    // Go itself decodes only the first aligned match; a few more forgive a stray copy of the magic.
    if (++tries > MAX_CANDIDATES) break;
    try {
      return decode(bytes, at, layout);
    } catch (err) {
      if (!(err instanceof NotAHeader || err instanceof ElfError)) throw err;
    }
  }
  return undefined;
}

function hasMagic(buf: Buffer, at: number): boolean {
  return at >= 0 && at + MAGIC.length <= buf.length && buf.subarray(at, at + MAGIC.length).equals(MAGIC);
}

/** 16-byte-aligned magic matches: writable segments first, where the linker puts it (as debug/buildinfo looks), then the rest. */
function* candidates(buf: Buffer, elf: ElfInfo | undefined): Generator<number> {
  if (elf === undefined) {
    yield* matches(buf, 0, buf.length, 0);
    return;
  }
  const loads = elf.segments.filter((s) => s.type === PT.LOAD && s.filesz > 0);
  for (const group of [loads.filter((s) => s.flags & PF.W), loads.filter((s) => !(s.flags & PF.W))]) {
    for (const r of ranges(group, buf.length)) yield* matches(buf, r.start, r.end, r.delta);
  }
}

/**
 * The file ranges of `segments`, merged where they overlap and map to addresses
 * of the same alignment: however many segments a file has, each byte is
 * scanned once per alignment.
 */
function ranges(segments: readonly ElfSegment[], size: number): Array<{ start: number; end: number; delta: number }> {
  const byDelta = new Map<number, Array<{ start: number; end: number }>>();
  for (const s of segments) {
    const delta = (((s.vaddr - s.offset) % ALIGN) + ALIGN) % ALIGN;
    const list = byDelta.get(delta) ?? [];
    list.push({ start: s.offset, end: Math.min(size, s.offset + s.filesz) });
    byDelta.set(delta, list);
  }
  const out: Array<{ start: number; end: number; delta: number }> = [];
  for (const [delta, list] of byDelta) {
    list.sort((a, b) => a.start - b.start);
    let cur: { start: number; end: number; delta: number } | undefined;
    for (const { start, end } of list) {
      if (cur !== undefined && start <= cur.end) cur.end = Math.max(cur.end, end);
      else out.push((cur = { start, end, delta }));
    }
  }
  return out;
}

/** Offsets in [start, end) where the magic starts at an address (offset + delta) that is 16-byte aligned. */
function* matches(buf: Buffer, start: number, end: number, delta: number): Generator<number> {
  let at = buf.indexOf(MAGIC, start);
  while (at >= 0 && at + HEADER_SIZE <= end) {
    if ((((at + delta) % ALIGN) + ALIGN) % ALIGN === 0) yield at;
    at = buf.indexOf(MAGIC, at + 1);
  }
}

function decode(bytes: Uint8Array, at: number, layout: () => ElfInfo | undefined): GoBuildInfo {
  if (at + HEADER_SIZE > bytes.length) throw new NotAHeader(`header at byte ${at} is cut off`);
  const ptrSize = bytes[at + 14] as number;
  const flags = bytes[at + 15] as number;
  if (ptrSize !== 4 && ptrSize !== 8) throw new NotAHeader(`pointer size ${ptrSize}`);
  let version: string;
  let modinfo: Uint8Array;
  if (flags & FLAG_INLINE_STRINGS) {
    const v = varintBytes(bytes, at + HEADER_SIZE);
    const m = varintBytes(bytes, v.end);
    version = versionText(v.data);
    modinfo = m.data;
  } else {
    const elf = layout();
    if (elf === undefined) throw new NotAHeader("the pointer format needs readable program headers");
    const r = new ByteReader(bytes, !(flags & FLAG_BIG_ENDIAN), ptrSize === 8);
    version = versionText(pointerString(r, elf, r.word(at + 16)));
    modinfo = pointerString(r, elf, r.word(at + 16 + ptrSize));
  }
  if (!/^(go|devel)/.test(version)) throw new NotAHeader(`version ${JSON.stringify(version.slice(0, 40))} is not a Go version`);
  return { goVersion: version, ...parseModinfo(new TextDecoder().decode(stripSentinels(modinfo))) };
}

/** The version string, checked for length before it is decoded: a false match can claim the rest of the file. */
function versionText(data: Uint8Array): string {
  if (data.length > MAX_VERSION) throw new NotAHeader(`version string of ${data.length} bytes, more than ${MAX_VERSION}`);
  return new TextDecoder().decode(data);
}

/** A uvarint length followed by that many bytes. */
function varintBytes(bytes: Uint8Array, at: number): { data: Uint8Array; end: number } {
  let len = 0;
  let p = at;
  for (let shift = 0; ; shift += 7) {
    if (shift > 49) throw new NotAHeader(`string length at byte ${at} is too long`);
    const b = bytes[p++];
    if (b === undefined) throw new NotAHeader(`string length at byte ${at} is cut off`);
    len += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) break;
  }
  if (p + len > bytes.length) throw new NotAHeader(`string at byte ${p} ends at byte ${p + len} but the file has ${bytes.length} bytes`);
  return { data: bytes.subarray(p, p + len), end: p + len };
}

/** Before Go 1.18 the header points at Go string headers {data, len} in the data segment. */
function pointerString(r: ByteReader, elf: ElfInfo, addr: number): Uint8Array {
  const hdr = vaddrToOffset(elf.segments, addr);
  const data = r.word(hdr, "Go string pointer");
  const len = r.word(hdr + (r.is64 ? 8 : 4), "Go string length");
  if (len === 0) return new Uint8Array(0);
  const off = vaddrToOffset(elf.segments, data);
  r.need(off, len, "Go build info string");
  return r.bytes.subarray(off, off + len);
}
