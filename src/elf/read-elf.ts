/** ELF headers, program headers, sections and the dynamic section: what `file`, `readelf -d` and `ldd` are used for. */
import { ElfError } from "./elf-error.js";
import { archName } from "./machines.js";
import { ByteReader } from "./reader.js";

export interface ElfSection {
  readonly name: string;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
  /** SHT_NOBITS (.bss) has no bytes in the file. */
  readonly nobits: boolean;
}

export interface ElfSegment {
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
}

export interface ElfInfo {
  readonly class: 32 | 64;
  readonly littleEndian: boolean;
  readonly machine: number;
  /** GOARCH spelling: amd64, arm64, arm, 386, s390x … */
  readonly arch: string;
  readonly type: "EXEC" | "DYN" | "REL" | "CORE" | "OTHER";
  /** PT_INTERP: the dynamic loader the kernel starts first, e.g. /lib64/ld-linux-x86-64.so.2. */
  readonly interpreter: string | undefined;
  /** DT_NEEDED libraries, in order. */
  readonly needed: readonly string[];
  readonly runpath: readonly string[];
  readonly soname: string | undefined;
  /** No loader and no shared libraries: runs on an empty filesystem. */
  readonly isStatic: boolean;
  readonly sections: readonly ElfSection[];
  readonly segments: readonly ElfSegment[];
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const SHT_NOBITS = 8;
const DT = { NULL: 0, NEEDED: 1, STRTAB: 5, SONAME: 14, RPATH: 15, RUNPATH: 29 } as const;
const TYPES = { 1: "REL", 2: "EXEC", 3: "DYN", 4: "CORE" } as const;
/** Real binaries have tens of headers; a larger count is corruption, not a reason to loop for minutes. */
const MAX_HEADERS = 65535;

export function readElf(bytes: Uint8Array): ElfInfo {
  if (bytes.length < 16 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    const head = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    const hint = bytes[0] === 0x23 && bytes[1] === 0x21 ? " (a script?)" : bytes.length === 0 ? " (the file is empty)" : "";
    throw new ElfError(`not an ELF file: first bytes are ${head || "none"}${hint}`);
  }
  const klass = bytes[4];
  const data = bytes[5];
  if (klass !== 1 && klass !== 2) throw new ElfError(`corrupt ELF: unknown class ${klass}`);
  if (data !== 1 && data !== 2) throw new ElfError(`corrupt ELF: unknown byte order ${data}`);
  const is64 = klass === 2;
  const r = new ByteReader(bytes, data === 1, is64);
  r.need(0, is64 ? 64 : 52, "ELF header");

  const type = r.u16(16);
  const machine = r.u16(18);
  const phoff = r.word(is64 ? 32 : 28);
  const shoff = r.word(is64 ? 40 : 32);
  const phentsize = r.u16(is64 ? 54 : 42);
  const phnum = r.u16(is64 ? 56 : 44);
  const shentsize = r.u16(is64 ? 58 : 46);
  const shnum = r.u16(is64 ? 60 : 48);
  const shstrndx = r.u16(is64 ? 62 : 50);

  const segments = readSegments(r, phoff, phentsize, phnum);
  const sections = readSections(r, shoff, shentsize, shnum, shstrndx);
  const interp = segments.find((s) => s.type === PT_INTERP);
  const interpreter = interp ? readInterp(r, interp) : undefined;
  const dyn = readDynamic(r, segments);

  return {
    class: is64 ? 64 : 32,
    littleEndian: r.littleEndian,
    machine,
    arch: archName(machine, is64, r.littleEndian),
    type: TYPES[type as keyof typeof TYPES] ?? "OTHER",
    interpreter,
    ...dyn,
    isStatic: interpreter === undefined && dyn.needed.length === 0,
    sections,
    segments,
  };
}

function readSegments(r: ByteReader, off: number, entsize: number, num: number): ElfSegment[] {
  if (num === 0) return [];
  if (entsize < (r.is64 ? 56 : 32) || num > MAX_HEADERS) throw new ElfError(`corrupt ELF: program header table of ${num} entries of ${entsize} bytes`);
  r.need(off, entsize * num, "program header table");
  const out: ElfSegment[] = [];
  for (let i = 0; i < num; i++) {
    const p = off + i * entsize;
    out.push(
      r.is64
        ? { type: r.u32(p), offset: r.u64(p + 8), vaddr: r.u64(p + 16), filesz: r.u64(p + 32) }
        : { type: r.u32(p), offset: r.u32(p + 4), vaddr: r.u32(p + 8), filesz: r.u32(p + 16) },
    );
  }
  return out;
}

function readSections(r: ByteReader, off: number, entsize: number, num: number, strndx: number): ElfSection[] {
  if (num === 0 || off === 0) return [];
  if (entsize < (r.is64 ? 64 : 40) || num > MAX_HEADERS) throw new ElfError(`corrupt ELF: section header table of ${num} entries of ${entsize} bytes`);
  r.need(off, entsize * num, "section header table");
  const raw = [];
  for (let i = 0; i < num; i++) {
    const s = off + i * entsize;
    raw.push(
      r.is64
        ? { nameOff: r.u32(s), type: r.u32(s + 4), addr: r.u64(s + 16), offset: r.u64(s + 24), size: r.u64(s + 32) }
        : { nameOff: r.u32(s), type: r.u32(s + 4), addr: r.u32(s + 12), offset: r.u32(s + 16), size: r.u32(s + 20) },
    );
  }
  const strtab = raw[strndx];
  if (strtab && strtab.type !== SHT_NOBITS) r.need(strtab.offset, strtab.size, "section name table");
  return raw.map((s) => ({
    name: strtab && strtab.type !== SHT_NOBITS ? safeName(r, strtab.offset + s.nameOff, strtab.offset + strtab.size) : "",
    addr: s.addr,
    offset: s.offset,
    size: s.size,
    nobits: s.type === SHT_NOBITS,
  }));
}

function safeName(r: ByteReader, at: number, limit: number): string {
  if (at >= limit || at >= r.bytes.length) throw new ElfError(`corrupt ELF: section name at byte ${at} lies outside the name table`);
  return r.cstring(at, "section name");
}

function readInterp(r: ByteReader, seg: ElfSegment): string {
  r.need(seg.offset, seg.filesz, "PT_INTERP");
  return r.cstring(seg.offset, "interpreter path");
}

function readDynamic(r: ByteReader, segments: readonly ElfSegment[]) {
  const empty = { needed: [] as string[], runpath: [] as string[], soname: undefined as string | undefined };
  const dyn = segments.find((s) => s.type === PT_DYNAMIC);
  if (dyn === undefined) return empty;
  r.need(dyn.offset, dyn.filesz, "dynamic section");
  const entry = r.is64 ? 16 : 8;
  const tags: Array<[number, number]> = [];
  for (let p = dyn.offset; p + entry <= dyn.offset + dyn.filesz; p += entry) {
    const tag = r.word(p);
    if (tag === DT.NULL) break;
    tags.push([tag, r.word(p + entry / 2)]);
  }
  const strtabAddr = tags.find(([t]) => t === DT.STRTAB)?.[1];
  if (strtabAddr === undefined) return empty;
  const strtab = vaddrToOffset(segments, strtabAddr);
  const str = (v: number) => r.cstring(strtab + v, "dynamic string");
  return {
    needed: tags.filter(([t]) => t === DT.NEEDED).map(([, v]) => str(v)),
    runpath: tags.filter(([t]) => t === DT.RUNPATH || t === DT.RPATH).flatMap(([, v]) => str(v).split(":")),
    soname: tags.filter(([t]) => t === DT.SONAME).map(([, v]) => str(v))[0],
  };
}

/** Map a virtual address to a file offset through the PT_LOAD segments. */
export function vaddrToOffset(segments: readonly ElfSegment[], vaddr: number): number {
  for (const s of segments) {
    if (s.type === PT_LOAD && vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz) return s.offset + (vaddr - s.vaddr);
  }
  throw new ElfError(`corrupt ELF: address 0x${vaddr.toString(16)} is in no loaded segment`);
}
