/**
 * Loads only the parts of an ELF file that readElf and readGoBuildInfo read:
 * the headers, the section table and the small sections (dynamic linking,
 * build info). A 16 MB Go binary is checked by reading a few hundred KB; the
 * rest of the buffer stays zero, and its untouched pages are never resident.
 */
import { readHeader } from "./elf-header.js";
import { ByteReader } from "./reader.js";
import { readSections } from "./section-headers.js";

/** Reads `length` bytes at `offset` of the file. */
export type RangeReader = (offset: number, length: number) => Promise<Uint8Array>;

/** Sections read whatever their size; any other section is read only when small. */
const ALWAYS = new Set([".interp", ".dynamic", ".dynstr", ".go.buildinfo", ".shstrtab"]);
const SMALL = 64 << 10;
/** Symbols and debug info: never read by the checks. */
const UNUSED = /^(\.z?debug_|\.symtab$|\.strtab$)/;
const PREFIX = 64 << 10;

/** The file as a buffer of its full size, with the inspected parts loaded; `whole` says whether all of it is. */
export async function loadForInspection(size: number, read: RangeReader): Promise<{ bytes: Uint8Array; whole: boolean }> {
  const bytes = new Uint8Array(size);
  const load = async (offset: number, length: number) => {
    const end = Math.min(size, offset + length);
    if (offset < 0 || offset >= end) return;
    bytes.set((await read(offset, end - offset)).subarray(0, end - offset), offset);
  };
  if (size <= 16 * SMALL) {
    await load(0, size);
    return { bytes, whole: true };
  }
  await load(0, PREFIX);
  const { header: h } = readHeader(bytes);
  // Extended numbering keeps counts in section 0; rare enough to read the whole file.
  if (h.shoff === 0 || h.shnum === 0 || h.shstrndx >= h.shnum) {
    await load(PREFIX, size - PREFIX);
    return { bytes, whole: true };
  }
  await load(h.phoff, h.phnum * h.phentsize);
  await load(h.shoff, h.shnum * h.shentsize);
  const r = new ByteReader(bytes, h.littleEndian, h.is64);
  // Offsets and sizes are right before the names are loaded; the name table is one of them.
  const unnamed = readSections(r, h.shoff, h.shentsize, h.shnum, h.shstrndx);
  const names = unnamed[h.shstrndx];
  if (names !== undefined) await load(names.offset, names.size);
  const sections = readSections(r, h.shoff, h.shentsize, h.shnum, h.shstrndx);
  await Promise.all(sections.filter((s) => !s.nobits && (ALWAYS.has(s.name) || (s.size <= SMALL && !UNUSED.test(s.name)))).map((s) => load(s.offset, s.size)));
  return { bytes, whole: false };
}
