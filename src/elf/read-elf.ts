/** ELF headers, program headers, sections and the dynamic section: what `file`, `readelf -d` and `ldd` are used for. */
import { DF_1_PIE, type ElfDynamic, readDynamic } from "./dynamic-section.js";
import { readHeader } from "./elf-header.js";
import { archName } from "./machines.js";
import { type ElfSegment, readInterpreter, readSegments } from "./program-headers.js";
import { type ElfSection, readSectionZero, readSections } from "./section-headers.js";

/** e_type, spelled as readelf does. */
export type ElfType = "REL" | "EXEC" | "DYN" | "CORE" | "OTHER";

/** Everything slimgo needs to know about a binary, read from its bytes alone. */
export interface ElfInfo {
  readonly class: 32 | 64;
  readonly littleEndian: boolean;
  /** e_machine, e.g. 62 for x86-64. */
  readonly machine: number;
  /** GOARCH spelling: amd64, arm64, arm, 386, s390x … */
  readonly arch: string;
  readonly type: ElfType;
  readonly entry: number;
  /** PT_INTERP: the dynamic loader the kernel starts first, e.g. /lib64/ld-linux-x86-64.so.2. */
  readonly interpreter: string | undefined;
  /** DT_NEEDED libraries, in order. */
  readonly needed: readonly string[];
  /** Where the loader searches first: DT_RUNPATH, or DT_RPATH when there is no DT_RUNPATH. */
  readonly runpath: readonly string[];
  readonly soname: string | undefined;
  /** PT_DYNAMIC, when present; static-PIE binaries have one with no DT_NEEDED. */
  readonly dynamic: ElfDynamic | undefined;
  /** No loader and no shared libraries (no PT_INTERP, no DT_NEEDED): runs on an empty filesystem. */
  readonly isStatic: boolean;
  /** Static and position-independent: relocates itself, still needs no loader. */
  readonly staticPie: boolean;
  readonly sections: readonly ElfSection[];
  readonly segments: readonly ElfSegment[];
}

const TYPES: Readonly<Record<number, ElfType>> = { 1: "REL", 2: "EXEC", 3: "DYN", 4: "CORE" };
const PN_XNUM = 0xffff;
const SHN_XINDEX = 0xffff;

/** Parse an ELF file; throws ElfError when it is not ELF, is cut short or is corrupt. */
export function readElf(bytes: Uint8Array): ElfInfo {
  const { header: h, r } = readHeader(bytes);

  // Extended numbering: counts that do not fit the header live in section 0.
  let { phnum, shnum, shstrndx } = h;
  if (h.shoff !== 0 && (shnum === 0 || phnum === PN_XNUM || shstrndx === SHN_XINDEX)) {
    const zero = readSectionZero(r, h.shoff, h.shentsize);
    if (shnum === 0) shnum = zero.size;
    if (phnum === PN_XNUM) phnum = zero.info;
    if (shstrndx === SHN_XINDEX) shstrndx = zero.link;
  }

  const segments = readSegments(r, h.phoff, h.phentsize, phnum);
  const sections = readSections(r, h.shoff, h.shentsize, shnum, shstrndx);
  const interpreter = readInterpreter(r, segments);
  const dynamic = readDynamic(r, segments);
  const needed = dynamic?.needed ?? [];
  const type = TYPES[h.type] ?? "OTHER";
  const isStatic = interpreter === undefined && needed.length === 0;

  return {
    class: h.is64 ? 64 : 32,
    littleEndian: h.littleEndian,
    machine: h.machine,
    arch: archName(h.machine, h.is64, h.littleEndian),
    type,
    entry: h.entry,
    interpreter,
    needed,
    runpath: dynamic === undefined ? [] : dynamic.runpath.length > 0 ? dynamic.runpath : dynamic.rpath,
    soname: dynamic?.soname,
    dynamic,
    isStatic,
    // A shared library without dependencies (ld.so itself) looks the same except for its SONAME and missing DF_1_PIE.
    staticPie: isStatic && type === "DYN" && dynamic !== undefined && ((dynamic.flags1 & DF_1_PIE) !== 0 || dynamic.soname === undefined),
    sections,
    segments,
  };
}
