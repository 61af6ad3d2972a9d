/** The static symbol table (.symtab): names and sizes of data symbols, present unless the binary is stripped. */
import { ElfError } from "./elf-error.js";
import type { ByteReader } from "./reader.js";
import type { ElfSection } from "./section-headers.js";
import { StringTable } from "./string-table.js";

/** One defined symbol with a size. */
export interface ElfSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  /** Index of the section it lies in. */
  readonly section: number;
}

const SHT_SYMTAB = 2;
const SHN_LORESERVE = 0xff00;
/** Data symbols kept: a large Go binary has tens of thousands. */
export const MAX_SYMBOLS = 1_000_000;

/**
 * Symbols of .symtab that lie in one of `wanted` sections and have a size;
 * [] when there is no symbol table (built with -s, or stripped). More than `max` is an ElfError.
 */
export function readSymbols(r: ByteReader, sections: readonly ElfSection[], wanted: ReadonlySet<number>, max = MAX_SYMBOLS): ElfSymbol[] {
  const tab = sections.find((s) => s.type === SHT_SYMTAB);
  const strtab = sections.find((s) => s.name === ".strtab" && !s.nobits);
  if (tab === undefined || strtab === undefined) return [];
  const entsize = r.is64 ? 24 : 16;
  if (tab.size % entsize !== 0) throw new ElfError(`corrupt ELF: .symtab is ${tab.size} bytes, not a multiple of its ${entsize}-byte entries`);
  const out: ElfSymbol[] = [];
  const names = new StringTable(r, strtab.offset, strtab.offset + strtab.size, ".strtab");
  for (let p = tab.offset; p < tab.offset + tab.size; p += entsize) {
    const nameOff = r.u32(p);
    const [value, size, shndx] = r.is64 ? [r.u64(p + 8, "symbol value"), r.u64(p + 16, "symbol size"), r.u16(p + 6)] : [r.u32(p + 4), r.u32(p + 8), r.u16(p + 14)];
    if (size === 0 || shndx >= SHN_LORESERVE || !wanted.has(shndx)) continue;
    if (out.length === max) throw new ElfError(`corrupt ELF: .symtab has more than ${max} data symbols, the limit`);
    out.push({ name: names.name(nameOff, "symbol name"), value, size, section: shndx });
  }
  return out;
}
