/** The Go function table (.gopclntab): every Go function's name and extent, kept even by `-ldflags "-s -w"`. */
import { ElfError } from "./elf-error.js";
import { ByteReader } from "./reader.js";
import { StringTable } from "./string-table.js";

/** One function of the table. */
export interface GoFunc {
  readonly name: string;
  /** Start, as an offset from the table's text start. */
  readonly entry: number;
  /** Bytes up to the next function's entry: code plus the alignment padding after it. */
  readonly size: number;
  /** Table bytes that exist only for this function: its name, its record and its functab slot. */
  readonly metaBytes: number;
}

/** The parsed table. */
export interface GoPclntab {
  /** "1.20" for Go 1.20 and later, "1.18" for 1.18 and 1.19. */
  readonly format: "1.18" | "1.20";
  readonly ptrSize: 4 | 8;
  /** The address function entries are relative to (runtime.text); 0 when the loader relocates it. */
  readonly textStart: number;
  readonly funcs: readonly GoFunc[];
  /** Offset of the end of the last function from textStart (runtime.etext). */
  readonly end: number;
}

const MAGIC_120 = 0xfffffff1;
const MAGIC_118 = 0xfffffff0;
const OLDER = new Map([
  [0xfffffffa, "1.16 or 1.17"],
  [0xfffffffb, "1.2 to 1.15"],
]);
/** Fixed part of a function record (runtime._func); 1.20 added startLine. */
const RECORD = { "1.18": 40, "1.20": 44 } as const;
const FUNCTAB_SLOT = 8;
const utf8 = new TextDecoder();

function corrupt(what: string): ElfError {
  return new ElfError(`corrupt Go function table (.gopclntab): ${what}`);
}

/**
 * Parse a .gopclntab section's bytes (`littleEndian` from the ELF header).
 * Throws ElfError for a table older than Go 1.18 or one that does not hold together.
 */
export function readPclntab(section: Uint8Array, littleEndian: boolean): GoPclntab {
  if (section.length < 8) throw corrupt(`the section has ${section.length} bytes, too few for its header`);
  const r = new ByteReader(section, littleEndian, true);
  const magic = r.u32(0);
  const older = OLDER.get(magic);
  if (older !== undefined) throw new ElfError(`unsupported Go function table: built by Go ${older}; size attribution needs a binary built by Go 1.18 or later`);
  if (magic !== MAGIC_120 && magic !== MAGIC_118) throw corrupt(`magic 0x${magic.toString(16)} is not a Go 1.18+ table`);
  const format = magic === MAGIC_120 ? "1.20" : "1.18";
  const ptrSize = r.u8(7);
  if (ptrSize !== 4 && ptrSize !== 8) throw corrupt(`pointer size ${ptrSize}, expected 4 or 8`);
  const w = new ByteReader(section, littleEndian, ptrSize === 8);
  const header = 8 + 8 * ptrSize;
  if (section.length < header) throw corrupt(`the section has ${section.length} bytes, its header needs ${header}`);
  const word = (i: number, what: string): number => {
    try {
      return w.word(8 + i * ptrSize, what);
    } catch (err) {
      throw err instanceof ElfError ? corrupt(`${what} is out of range`) : err;
    }
  };
  const nfunc = word(0, "function count");
  const textStart = word(2, "text start");
  const nameTab = word(3, "name table offset");
  const funcTab = word(7, "function table offset");
  for (const [what, off] of [["name table", nameTab], ["function table", funcTab]] as const) {
    if (off < header || off > section.length) throw corrupt(`${what} offset ${off} lies outside the section (${section.length} bytes)`);
  }
  // nfunc slots of {entry, record offset} plus the end entry; checked before looping so a huge count cannot hang.
  if (nfunc > (section.length - funcTab - 4) / FUNCTAB_SLOT) throw corrupt(`${nfunc} functions do not fit in the section`);

  const record = RECORD[format];
  const names = new StringTable(r, nameTab, section.length, "the function name table", corrupt);
  const funcs: GoFunc[] = [];
  const entryAt = (i: number): number => r.u32(funcTab + i * FUNCTAB_SLOT);
  let entry = nfunc > 0 ? entryAt(0) : 0;
  for (let i = 0; i < nfunc; i++) {
    const next = entryAt(i + 1);
    if (next < entry) throw corrupt(`function ${i} starts at +0x${entry.toString(16)} but the next one at +0x${next.toString(16)}`);
    const rec = funcTab + r.u32(funcTab + i * FUNCTAB_SLOT + 4);
    if (rec + record > section.length) throw corrupt(`record of function ${i} at byte ${rec} lies outside the section`);
    if (r.u32(rec) !== entry) throw corrupt(`record of function ${i} gives entry +0x${r.u32(rec).toString(16)}, the table +0x${entry.toString(16)}`);
    const nameOff = r.u32(rec + 4);
    const npcdata = r.u32(rec + 28);
    const nfuncdata = r.u8(rec + record - 1);
    const tail = 4 * (npcdata + nfuncdata);
    if (rec + record + tail > section.length) throw corrupt(`record of function ${i} at byte ${rec} claims ${npcdata + nfuncdata} table slots past the section's end`);
    const name = names.bytes(nameOff, `name of function ${i}`);
    funcs.push({ name: utf8.decode(name), entry, size: next - entry, metaBytes: name.length + 1 + record + tail + FUNCTAB_SLOT });
    entry = next;
  }
  return { format, ptrSize, textStart, funcs, end: entry };
}
