/**
 * A small ELF writer for the fuzz seeds: any sections, one PT_LOAD over the
 * whole file, PT_INTERP and PT_DYNAMIC where those sections are, and the Go
 * tables (.gopclntab, .go.buildinfo, .symtab) laid out as the readers expect.
 * Unlike test/elf/synthetic-elf.ts it has no size limit, so it can build the
 * amplifiers (30,000 DT_NEEDED entries, 150,000 functions).
 */
import { BASE, INFO_END, INFO_START, Out, uvarint, writeHeader, writeProgramHeader } from "../../test/elf/synthetic-elf.js";

export { BASE };
export const SHF = { WRITE: 1, ALLOC: 2, EXEC: 4 } as const;
export const SHT = { PROGBITS: 1, SYMTAB: 2, STRTAB: 3, DYNAMIC: 6, NOBITS: 8 } as const;
export const DT = { NULL: 0, NEEDED: 1, STRTAB: 5, STRSZ: 10, SONAME: 14, RPATH: 15, RUNPATH: 29, FLAGS_1: 0x6ffffffb } as const;

export interface SectionSpec {
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  /** Contents; for .dynamic, a function of where .dynstr landed (its address). */
  readonly data: Uint8Array | ((layout: Layout) => Uint8Array);
  readonly align?: number;
  /** Index of a linked section (symtab → strtab), by name. */
  readonly link?: string;
  readonly entsize?: number;
}

export interface ElfSpec {
  readonly class: 32 | 64;
  readonly littleEndian: boolean;
  readonly machine: number;
  /** e_type; EXEC (2) unless given. */
  readonly type?: number;
  readonly sections: readonly SectionSpec[];
}

/** Where each section was placed, for sections whose contents point at others. */
export interface Layout {
  offsetOf(name: string): number;
  sizeOf(name: string): number;
}

/** Little helpers for table contents. */
export class Bytes {
  private readonly out: Out;
  constructor(is64: boolean, le: boolean) {
    this.out = new Out(is64, le, 1 << 12);
  }
  get length(): number {
    return this.out.pos;
  }
  u8(v: number): this {
    this.out.ensure(1);
    this.out.buf[this.out.pos++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.out.ensure(2);
    this.out.u16(this.out.pos, v);
    this.out.pos += 2;
    return this;
  }
  u32(v: number): this {
    this.out.ensure(4);
    this.out.u32(this.out.pos, v);
    this.out.pos += 4;
    return this;
  }
  u64(v: number): this {
    // Two words, low one first in little-endian files.
    const lo = v % 2 ** 32;
    const hi = Math.floor(v / 2 ** 32);
    return this.out.le ? this.u32(lo).u32(hi) : this.u32(hi).u32(lo);
  }
  word(v: number): this {
    return this.out.is64 ? this.u64(v) : this.u32(v);
  }
  raw(b: Uint8Array): this {
    this.out.bytes(b);
    return this;
  }
  pad(to: number): this {
    this.out.pos = Math.ceil(this.out.pos / to) * to;
    this.out.ensure(0);
    return this;
  }
  done(): Uint8Array {
    return this.out.buf.slice(0, this.out.pos);
  }
}

const enc = new TextEncoder();
export const cstr = (s: string) => enc.encode(`${s}\0`);

/** Assemble an ELF file. */
export function writeElf(spec: ElfSpec): Uint8Array {
  const is64 = spec.class === 64;
  const w = new Out(is64, spec.littleEndian);
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const has = (n: string) => spec.sections.some((s) => s.name === n);
  const phnum = 1 + (has(".interp") ? 1 : 0) + (has(".dynamic") ? 1 : 0);
  w.pos = ehsize + phnum * phentsize;
  w.ensure(0);

  const placed = new Map<string, { off: number; size: number }>();
  const layout: Layout = {
    offsetOf: (n) => placed.get(n)?.off ?? 0,
    sizeOf: (n) => placed.get(n)?.size ?? 0,
  };
  // Sections whose contents depend on the layout go last.
  const order = [...spec.sections].sort((a, b) => Number(typeof a.data === "function") - Number(typeof b.data === "function"));
  for (const s of order) {
    const data = typeof s.data === "function" ? s.data(layout) : s.data;
    const off = w.align(s.align ?? 8);
    if (s.type !== SHT.NOBITS) w.bytes(data);
    placed.set(s.name, { off, size: data.length });
  }

  const names = [".shstrtab", ...spec.sections.map((s) => s.name)];
  const shstrOff = w.pos;
  const nameAt = new Map<string, number>();
  w.bytes(Uint8Array.of(0));
  for (const n of names) if (!nameAt.has(n)) nameAt.set(n, w.bytes(cstr(n)) - shstrOff);
  const shstrSize = w.pos - shstrOff;
  const shoff = w.align(8);
  const all = [...spec.sections, { name: ".shstrtab", type: SHT.STRTAB, flags: 0, data: new Uint8Array(0) } as SectionSpec];
  const shnum = all.length + 1;
  w.ensure(shnum * shentsize);
  all.forEach((s, i) => {
    const p = shoff + (i + 1) * shentsize;
    const where = s.name === ".shstrtab" ? { off: shstrOff, size: shstrSize } : (placed.get(s.name) ?? { off: 0, size: 0 });
    const link = s.link === undefined ? 0 : all.findIndex((x) => x.name === s.link) + 1;
    w.u32(p, nameAt.get(s.name) ?? 0);
    w.u32(p + 4, s.type);
    if (is64) {
      w.word(p + 8, s.flags);
      w.word(p + 16, s.flags & SHF.ALLOC ? BASE + where.off : 0);
      w.word(p + 24, where.off);
      w.word(p + 32, where.size);
      w.u32(p + 40, link);
      w.word(p + 48, s.align ?? 8);
      w.word(p + 56, s.entsize ?? 0);
    } else {
      w.u32(p + 8, s.flags);
      w.u32(p + 12, s.flags & SHF.ALLOC ? BASE + where.off : 0);
      w.u32(p + 16, where.off);
      w.u32(p + 20, where.size);
      w.u32(p + 24, link);
      w.u32(p + 32, s.align ?? 8);
      w.u32(p + 36, s.entsize ?? 0);
    }
  });
  w.pos = shoff + shnum * shentsize;
  const size = w.pos;

  writeHeader(w, { type: spec.type ?? 2, machine: spec.machine, entry: BASE + (placed.get(".text")?.off ?? ehsize), shoff, phnum, shnum, shstrndx: shnum - 1 });
  const phdrs = [{ type: 1, flags: 7, off: 0, size }];
  const interp = placed.get(".interp");
  if (interp) phdrs.push({ type: 3, flags: 4, ...interp });
  const dyn = placed.get(".dynamic");
  if (dyn) phdrs.push({ type: 2, flags: 6, ...dyn });
  phdrs.forEach((ph, i) => writeProgramHeader(w, i, { ...ph, align: 0x1000 }));
  return w.buf.slice(0, size);
}

/** One function of a .gopclntab: its name's offset in the name table and its code size. */
export interface PclnFunc {
  readonly nameOff: number;
  readonly size: number;
  readonly npcdata?: number;
  readonly nfuncdata?: number;
}

/** A Go 1.20 function table; `names` is the name table, `funcs` point into it. */
export function pclntab(o: { le: boolean; ptrSize: 4 | 8; names: Uint8Array; funcs: readonly PclnFunc[]; textStart?: number }): Uint8Array {
  const header = 8 + 8 * o.ptrSize;
  const nameTab = header;
  const funcTab = Math.ceil((nameTab + o.names.length) / 4) * 4;
  const slots = (o.funcs.length + 1) * 8;
  const b = new Bytes(o.ptrSize === 8, o.le);
  b.u32(0xfffffff1).u8(0).u8(0).u8(1).u8(o.ptrSize);
  for (const w of [o.funcs.length, 1, o.textStart ?? BASE, nameTab, 0, 0, 0, funcTab]) b.word(w);
  b.raw(o.names).pad(4);
  // Slots then records; each record is 44 bytes plus its pcdata/funcdata slots.
  let recAt = slots;
  const recs: number[] = [];
  for (const f of o.funcs) {
    recs.push(recAt);
    recAt += 44 + 4 * ((f.npcdata ?? 0) + (f.nfuncdata ?? 0));
  }
  let entry = 0;
  o.funcs.forEach((f, i) => {
    b.u32(entry).u32(recs[i] as number);
    entry += f.size;
  });
  b.u32(entry).u32(0);
  entry = 0;
  for (const f of o.funcs) {
    b.u32(entry).u32(f.nameOff);
    for (let k = 0; k < 5; k++) b.u32(0);
    b.u32(f.npcdata ?? 0);
    for (let k = 0; k < 2; k++) b.u32(0);
    b.u8(0).u8(0).u8(0).u8(f.nfuncdata ?? 0);
    for (let k = 0; k < (f.npcdata ?? 0) + (f.nfuncdata ?? 0); k++) b.u32(0);
    entry += f.size;
  }
  return b.done();
}

/** A .go.buildinfo section in the inline format of Go 1.18+. */
export function buildInfo(o: { le: boolean; ptrSize: 4 | 8; version: string; modinfo: string }): Uint8Array {
  const mod = Uint8Array.from([...INFO_START, ...enc.encode(o.modinfo), ...INFO_END]);
  const v = enc.encode(o.version);
  const b = new Bytes(o.ptrSize === 8, o.le);
  b.raw(Uint8Array.from([0xff, ...enc.encode(" Go buildinf:")])).u8(o.ptrSize).u8(2 | (o.le ? 0 : 1));
  b.pad(32);
  return b.raw(uvarint(v.length)).raw(v).raw(uvarint(mod.length)).raw(mod).done();
}

/** modinfo text: path, mod, deps and build settings, as the go command writes it. */
export function modinfo(o: { path: string; main: string; deps: ReadonlyArray<{ path: string; version: string; replace?: string }>; settings: ReadonlyArray<[string, string]> }): string {
  const lines = [`path\t${o.path}`, `mod\t${o.main}\t(devel)\t`];
  for (const d of o.deps) {
    lines.push(`dep\t${d.path}\t${d.version}\th1:${"A".repeat(43)}=`);
    if (d.replace) lines.push(`=>\t${d.replace}\t\t`);
  }
  for (const [k, v] of o.settings) lines.push(`build\t${k}=${v}`);
  return `${lines.join("\n")}\n`;
}

/** .dynamic contents pointing into .dynstr (placed by writeElf). */
export function dynamicSection(is64: boolean, le: boolean, entries: ReadonlyArray<[number, number]>): (l: Layout) => Uint8Array {
  return (l) => {
    const b = new Bytes(is64, le);
    for (const [tag, val] of entries) b.word(tag).word(val);
    b.word(DT.STRTAB).word(BASE + l.offsetOf(".dynstr")).word(DT.STRSZ).word(l.sizeOf(".dynstr")).word(DT.NULL).word(0);
    return b.done();
  };
}
