/** The dynamic section: the libraries a binary needs and where the loader looks for them (`readelf -d`). */
import { ElfError } from "./elf-error.js";
import { type ElfSegment, PT, vaddrToOffset } from "./program-headers.js";
import type { ByteReader } from "./reader.js";
import { MAX_NAME, PATH_MAX, StringTable } from "./string-table.js";

/** What PT_DYNAMIC says, strings resolved through DT_STRTAB. */
export interface ElfDynamic {
  /** File offset and size of PT_DYNAMIC. */
  readonly offset: number;
  readonly size: number;
  /** DT_NEEDED libraries, in order. */
  readonly needed: readonly string[];
  readonly soname: string | undefined;
  /** DT_RUNPATH directories, in order, unexpanded ($ORIGIN stays as written). */
  readonly runpath: readonly string[];
  /** DT_RPATH directories; glibc ignores them when DT_RUNPATH is present. */
  readonly rpath: readonly string[];
  /** DT_FLAGS_1; DF_1_PIE (0x08000000) marks a position-independent executable. */
  readonly flags1: number;
}

const DT = {
  NULL: 0n,
  NEEDED: 1n,
  STRTAB: 5n,
  STRSZ: 10n,
  SONAME: 14n,
  RPATH: 15n,
  RUNPATH: 29n,
  FLAGS_1: 0x6ffffffbn,
} as const;
const STRING_TAGS: ReadonlySet<bigint> = new Set([DT.NEEDED, DT.SONAME, DT.RPATH, DT.RUNPATH]);

/** DF_1_PIE in DT_FLAGS_1. */
export const DF_1_PIE = 0x08000000;
/** DT_NEEDED entries read: real programs need a few dozen libraries, rarely a few hundred. */
export const MAX_NEEDED = 1024;

function toNumber(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError(`corrupt ELF: ${what} is 0x${v.toString(16)}, out of range`);
  return Number(v);
}

/** Read PT_DYNAMIC; undefined when the binary has none (a classic static executable). */
export function readDynamic(r: ByteReader, segments: readonly ElfSegment[]): ElfDynamic | undefined {
  const seg = segments.find((s) => s.type === PT.DYNAMIC);
  if (seg === undefined) return undefined;
  r.need(seg.offset, seg.filesz, "dynamic section");
  const half = r.is64 ? 8 : 4;
  // Tags stay bigints: d_tag is signed and OS-specific tags are large; only the ones used here become numbers.
  const entries: Array<[bigint, bigint]> = [];
  for (let p = seg.offset; p + 2 * half <= seg.offset + seg.filesz; p += 2 * half) {
    const tag = r.bigWord(p, "dynamic tag");
    if (tag === DT.NULL) break;
    entries.push([tag, r.bigWord(p + half, "dynamic value")]);
  }
  const value = (tag: bigint) => entries.find(([t]) => t === tag)?.[1];
  const strings = entries.filter(([t]) => STRING_TAGS.has(t));
  const needed = strings.filter(([t]) => t === DT.NEEDED);
  // Checked before any name is read: each entry may point at the same long name.
  if (needed.length > MAX_NEEDED) throw new ElfError(`corrupt ELF: the dynamic section names ${needed.length} libraries (DT_NEEDED), more than ${MAX_NEEDED}, the limit`);

  let str = (_at: bigint, _what: string, _max: number): string => "";
  if (strings.length > 0) {
    const strtabAddr = value(DT.STRTAB);
    if (strtabAddr === undefined) throw new ElfError("corrupt ELF: the dynamic section names libraries but has no DT_STRTAB");
    const start = vaddrToOffset(segments, toNumber(strtabAddr, "DT_STRTAB"));
    const strsz = value(DT.STRSZ);
    const limit = strsz === undefined ? r.bytes.length : start + toNumber(strsz, "DT_STRSZ");
    r.need(start, limit - start, "dynamic string table");
    const table = new StringTable(r, start, limit, "the dynamic string table");
    str = (at, what, max) => {
      if (at >= BigInt(limit - start)) throw new ElfError(`corrupt ELF: dynamic string at ${at} lies outside DT_STRSZ ${limit - start}`);
      return table.name(Number(at), what, max);
    };
  }
  const all = (tag: bigint, what: string, max: number) => strings.filter(([t]) => t === tag).map(([, v]) => str(v, what, max));
  const dirs = (tag: bigint, what: string) => all(tag, what, MAX_NAME).flatMap((s) => s.split(":").filter((d) => d !== ""));
  const soname = strings.find(([t]) => t === DT.SONAME);
  const flags1 = value(DT.FLAGS_1);
  return {
    offset: seg.offset,
    size: seg.filesz,
    needed: needed.map(([, v]) => str(v, "DT_NEEDED name", PATH_MAX)),
    soname: soname === undefined ? undefined : str(soname[1], "DT_SONAME", PATH_MAX),
    runpath: dirs(DT.RUNPATH, "DT_RUNPATH"),
    rpath: dirs(DT.RPATH, "DT_RPATH"),
    flags1: flags1 === undefined ? 0 : Number(flags1 & 0xffffffffn),
  };
}
