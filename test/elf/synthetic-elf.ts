/** Hand-made ELF files for layouts the host toolchain cannot produce: big-endian 32-bit, pre-1.18 build info, extended numbering, hostile tables. */

/** A section with given bytes, e.g. .text, .rodata, .gopclntab, .symtab or .strtab. */
export interface SyntheticSection {
  readonly name: string;
  /** sh_type: 1 PROGBITS, 2 SYMTAB, 3 STRTAB. */
  readonly type: number;
  /** sh_flags: 2 ALLOC, 4 EXECINSTR, 1 WRITE. */
  readonly flags?: number;
  readonly data: Uint8Array;
}

export interface SyntheticElf {
  readonly class: 32 | 64;
  readonly littleEndian: boolean;
  readonly machine: number;
  /** e_type; 2 (EXEC) unless given. */
  readonly type?: number;
  readonly interp?: string;
  readonly needed?: readonly string[];
  readonly soname?: string;
  readonly runpath?: string;
  readonly rpath?: string;
  readonly flags1?: number;
  readonly buildInfo?: { readonly format: "pointer" | "inline"; readonly version: string; readonly modinfo: string };
  /** Write section headers (.interp, .dynstr, .dynamic, .go.buildinfo, .shstrtab). */
  readonly sections?: boolean;
  /** Put the real program header count in section 0 and 0xffff in e_phnum. */
  readonly extendedPhnum?: boolean;
  /** More sections, given section indexes 1, 2, … in order (before the ones above); implies `sections`. */
  readonly extraSections?: readonly SyntheticSection[];
}

/** The vaddr the single PT_LOAD maps file offset 0 to. */
export const BASE = 0x400000;
/** cmd/go's modinfo sentinels (infoStart, infoEnd). */
export const INFO_START = Uint8Array.from(Buffer.from("3077af0c9274080241e1c107e6d618e6", "hex"));
export const INFO_END = Uint8Array.from(Buffer.from("f932433186182072008242104116d8f2", "hex"));

/** A little-endian or big-endian byte writer that grows as it is written; the fuzz ELF writer builds on it too. */
export class Out {
  buf: Uint8Array;
  private view: DataView;
  pos = 0;
  constructor(
    readonly is64: boolean,
    readonly le: boolean,
    size = 1 << 16,
  ) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }
  /** Room for `n` more bytes at pos. */
  ensure(n: number): void {
    this.room(this.pos + n);
  }
  /** Room for a write that ends at `end`, wherever it starts. */
  private room(end: number): void {
    if (end <= this.buf.length) return;
    let size = this.buf.length;
    while (size < end) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf);
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  align(n: number): number {
    this.pos = Math.ceil(this.pos / n) * n;
    this.ensure(0);
    return this.pos;
  }
  bytes(b: Uint8Array): number {
    const at = this.pos;
    this.room(at + b.length);
    this.buf.set(b, at);
    this.pos += b.length;
    return at;
  }
  u8(at: number, v: number): void {
    this.room(at + 1);
    this.view.setUint8(at, v);
  }
  u16(at: number, v: number): void {
    this.room(at + 2);
    this.view.setUint16(at, v, this.le);
  }
  u32(at: number, v: number): void {
    this.room(at + 4);
    this.view.setUint32(at, v, this.le);
  }
  word(at: number, v: number): void {
    this.room(at + this.ws);
    if (this.is64) this.view.setBigUint64(at, BigInt(v), this.le);
    else this.view.setUint32(at, v, this.le);
  }
  get ws(): number {
    return this.is64 ? 8 : 4;
  }
}

const enc = (s: string) => new TextEncoder().encode(s);
const cstr = (s: string) => enc(`${s}\0`);

export function uvarint(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/** The ELF header; the header, program header and section header sizes are those of the class. */
export function writeHeader(w: Out, h: { type: number; machine: number; entry: number; shoff: number; phnum: number; shnum: number; shstrndx: number }): void {
  const is64 = w.is64;
  const ehsize = is64 ? 64 : 52;
  w.buf.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, w.le ? 1 : 2, 1], 0);
  w.u16(16, h.type);
  w.u16(18, h.machine);
  w.u32(20, 1);
  w.word(24, h.entry);
  w.word(is64 ? 32 : 28, ehsize);
  w.word(is64 ? 40 : 32, h.shoff);
  w.u16(is64 ? 52 : 40, ehsize);
  w.u16(is64 ? 54 : 42, is64 ? 56 : 32);
  w.u16(is64 ? 56 : 44, h.phnum);
  w.u16(is64 ? 58 : 46, is64 ? 64 : 40);
  w.u16(is64 ? 60 : 48, h.shnum);
  w.u16(is64 ? 62 : 50, h.shstrndx);
}

/** Program header `i` of the table right after the ELF header, mapping file offset `off` to BASE + off. */
export function writeProgramHeader(w: Out, i: number, ph: { type: number; flags: number; off: number; size: number; align?: number }): void {
  const p = (w.is64 ? 64 : 52) + i * (w.is64 ? 56 : 32);
  w.u32(p, ph.type);
  if (w.is64) {
    w.u32(p + 4, ph.flags);
    w.word(p + 8, ph.off);
    w.word(p + 16, BASE + ph.off);
    w.word(p + 24, BASE + ph.off);
    w.word(p + 32, ph.size);
    w.word(p + 40, ph.size);
    w.word(p + 48, ph.align ?? 0);
  } else {
    w.word(p + 4, ph.off);
    w.word(p + 8, BASE + ph.off);
    w.word(p + 12, BASE + ph.off);
    w.word(p + 16, ph.size);
    w.word(p + 20, ph.size);
    w.u32(p + 24, ph.flags);
    w.u32(p + 28, ph.align ?? 0);
  }
}

/** Assemble the file described by `o`. */
export function buildElf(o: SyntheticElf): Uint8Array {
  const is64 = o.class === 64;
  const w = new Out(is64, o.littleEndian);
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const strings = [...(o.needed ?? []), o.soname, o.runpath, o.rpath].filter((s) => s !== undefined);
  const hasDynamic = strings.length > 0 || o.flags1 !== undefined;
  const phdrs: Array<{ type: number; off: number; size: number }> = [];
  const phnum = 1 + (o.interp !== undefined ? 1 : 0) + (hasDynamic ? 1 : 0);
  w.pos = ehsize + phnum * phentsize;
  const sections: Array<{ name: string; type: number; flags?: number; off: number; size: number }> = [];
  for (const x of o.extraSections ?? []) {
    const at = w.align(16);
    w.bytes(x.data);
    sections.push({ name: x.name, type: x.type, flags: x.flags ?? 0, off: at, size: x.data.length });
  }

  if (o.interp !== undefined) {
    const at = w.bytes(cstr(o.interp));
    phdrs.push({ type: 3, off: at, size: o.interp.length + 1 });
    sections.push({ name: ".interp", type: 1, off: at, size: o.interp.length + 1 });
  }
  if (hasDynamic) {
    const strOff = w.pos;
    const index = new Map<string, number>();
    w.bytes(Uint8Array.of(0));
    // Each distinct string once, as linkers write them; entries that repeat one share its offset.
    for (const s of strings) if (!index.has(s)) index.set(s, w.bytes(cstr(s)) - strOff);
    const strsz = w.pos - strOff;
    sections.push({ name: ".dynstr", type: 3, off: strOff, size: strsz });
    const entries: Array<[number, number]> = [
      ...(o.needed ?? []).map((n): [number, number] => [1, index.get(n) ?? 0]),
      ...(o.soname !== undefined ? [[14, index.get(o.soname) ?? 0] as [number, number]] : []),
      ...(o.rpath !== undefined ? [[15, index.get(o.rpath) ?? 0] as [number, number]] : []),
      ...(o.runpath !== undefined ? [[29, index.get(o.runpath) ?? 0] as [number, number]] : []),
      [5, BASE + strOff],
      [10, strsz],
      ...(o.flags1 !== undefined ? [[0x6ffffffb, o.flags1] as [number, number]] : []),
      [0, 0],
    ];
    const dynOff = w.align(8);
    for (const [tag, val] of entries) {
      w.word(w.pos, tag);
      w.word(w.pos + w.ws, val);
      w.pos += 2 * w.ws;
    }
    phdrs.push({ type: 2, off: dynOff, size: w.pos - dynOff });
    sections.push({ name: ".dynamic", type: 6, off: dynOff, size: w.pos - dynOff });
  }
  if (o.buildInfo !== undefined) writeBuildInfo(w, o.buildInfo, sections);

  let shoff = 0;
  let shnum = 0;
  let shstrndx = 0;
  if (o.sections || o.extendedPhnum || o.extraSections !== undefined) {
    const names = [".shstrtab", ...sections.map((s) => s.name)];
    const strOff = w.pos;
    const nameAt = new Map<string, number>();
    w.bytes(Uint8Array.of(0));
    for (const n of names) nameAt.set(n, w.bytes(cstr(n)) - strOff);
    const all = [...sections, { name: ".shstrtab", type: 3, off: strOff, size: w.pos - strOff }];
    shoff = w.align(8);
    shnum = all.length + 1;
    shstrndx = all.length;
    // Section 0 is all zeros except for extended counts.
    if (o.extendedPhnum) w.u32(shoff + (is64 ? 44 : 28), phnum);
    all.forEach((s, i) => {
      const p = shoff + (i + 1) * shentsize;
      w.u32(p, nameAt.get(s.name) ?? 0);
      w.u32(p + 4, s.type);
      w.word(p + 8, s.flags ?? 0);
      w.word(p + (is64 ? 16 : 12), BASE + s.off);
      w.word(p + (is64 ? 24 : 16), s.off);
      w.word(p + (is64 ? 32 : 20), s.size);
    });
    w.pos = shoff + shnum * shentsize;
    w.align(1);
  }
  const size = w.pos;

  writeHeader(w, { type: o.type ?? 2, machine: o.machine, entry: BASE + ehsize, shoff, phnum: o.extendedPhnum ? 0xffff : phnum, shnum, shstrndx });
  // Program headers: one RWX PT_LOAD over the whole file, then the others.
  [{ type: 1, off: 0, size }, ...phdrs].forEach((ph, i) => writeProgramHeader(w, i, { ...ph, flags: 7 }));
  return w.buf.slice(0, size);
}

function writeBuildInfo(w: Out, bi: NonNullable<SyntheticElf["buildInfo"]>, sections: Array<{ name: string; type: number; flags?: number; off: number; size: number }>): void {
  const mod = Uint8Array.from([...INFO_START, ...enc(bi.modinfo), ...INFO_END]);
  const version = enc(bi.version);
  const at = w.align(16);
  w.bytes(Uint8Array.from([0xff, ...enc(" Go buildinf:")]));
  w.u8(at + 14, w.ws);
  if (bi.format === "inline") {
    w.u8(at + 15, 2 | (w.le ? 0 : 1));
    w.pos = at + 32;
    w.bytes(uvarint(version.length));
    w.bytes(version);
    w.bytes(uvarint(mod.length));
    w.bytes(mod);
  } else {
    w.u8(at + 15, w.le ? 0 : 1);
    // Two Go string headers {data, len} after the 32-byte header, then the bytes they point at.
    const hdrs = at + 32;
    const vData = hdrs + 4 * w.ws;
    const mData = vData + version.length;
    w.word(at + 16, BASE + hdrs);
    w.word(at + 16 + w.ws, BASE + hdrs + 2 * w.ws);
    w.word(hdrs, BASE + vData);
    w.word(hdrs + w.ws, version.length);
    w.word(hdrs + 2 * w.ws, BASE + mData);
    w.word(hdrs + 3 * w.ws, mod.length);
    w.pos = vData;
    w.bytes(version);
    w.bytes(mod);
  }
  sections.push({ name: ".go.buildinfo", type: 1, off: at, size: w.pos - at });
}
