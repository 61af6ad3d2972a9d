/** Section headers: names and places of .go.buildinfo, .dynamic, .symtab …; optional, `sstrip` removes them. */
import { ElfError } from "./elf-error.js";
import type { ByteReader } from "./reader.js";
import { StringTable } from "./string-table.js";

/** One section header, with its name resolved. */
export interface ElfSection {
  readonly name: string;
  /** sh_type: SHT_PROGBITS 1, SHT_SYMTAB 2, SHT_DYNAMIC 6, SHT_NOBITS 8 … */
  readonly type: number;
  readonly flags: number;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
  /** SHT_NOBITS (.bss) has no bytes in the file. */
  readonly nobits: boolean;
}

/** Fields of section 0 that hold counts too large for the ELF header (extended numbering). */
export interface SectionZero {
  readonly size: number;
  readonly link: number;
  readonly info: number;
}

const SHT_NULL = 0;
const SHT_NOBITS = 8;

function minEntsize(r: ByteReader): number {
  return r.is64 ? 64 : 40;
}

function checkEntsize(r: ByteReader, entsize: number): void {
  if (entsize < minEntsize(r)) throw new ElfError(`corrupt ELF: section header entries are ${entsize} bytes, expected at least ${minEntsize(r)}`);
}

/** Section 0, read only when the header says a count lives there (e_shnum 0, e_phnum 0xffff or e_shstrndx 0xffff). */
export function readSectionZero(r: ByteReader, off: number, entsize: number): SectionZero {
  checkEntsize(r, entsize);
  r.need(off, entsize, "section header 0");
  return r.is64
    ? { size: r.u64(off + 32, "section 0 size"), link: r.u32(off + 40), info: r.u32(off + 44) }
    : { size: r.u32(off + 20), link: r.u32(off + 24), info: r.u32(off + 28) };
}

/** Read `num` section headers at `off`, naming them from section `strndx`; every section with bytes must lie inside the file. */
export function readSections(r: ByteReader, off: number, entsize: number, num: number, strndx: number): ElfSection[] {
  if (num === 0 || off === 0) return [];
  checkEntsize(r, entsize);
  r.need(off, entsize * num, "section header table");
  const raw = [];
  for (let i = 0; i < num; i++) {
    const s = off + i * entsize;
    const what = `section header ${i}`;
    raw.push(
      r.is64
        ? {
            nameOff: r.u32(s),
            type: r.u32(s + 4),
            flags: r.u64(s + 8, `${what} flags`),
            addr: r.u64(s + 16, `${what} address`),
            offset: r.u64(s + 24, `${what} offset`),
            size: r.u64(s + 32, `${what} size`),
          }
        : { nameOff: r.u32(s), type: r.u32(s + 4), flags: r.u32(s + 8), addr: r.u32(s + 12), offset: r.u32(s + 16), size: r.u32(s + 20) },
    );
  }
  let names: ((at: number) => string) | undefined;
  if (strndx !== 0) {
    const strtab = raw[strndx];
    if (strtab === undefined) throw new ElfError(`corrupt ELF: section name table is section ${strndx} but there are only ${num} sections`);
    if (strtab.type === SHT_NOBITS) throw new ElfError(`corrupt ELF: section name table (section ${strndx}) has no bytes in the file`);
    r.need(strtab.offset, strtab.size, "section name table");
    const table = new StringTable(r, strtab.offset, strtab.offset + strtab.size, "the section name table");
    names = (at) => table.name(at, "section name");
  }
  return raw.map((s, i) => {
    const name = names ? names(s.nameOff) : "";
    if (s.type !== SHT_NULL && s.type !== SHT_NOBITS && s.size > 0) r.need(s.offset, s.size, `section ${i} (${name || "unnamed"})`);
    return { name, type: s.type, flags: s.flags, addr: s.addr, offset: s.offset, size: s.size, nobits: s.type === SHT_NOBITS };
  });
}
