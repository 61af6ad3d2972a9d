/** Program headers (segments): what the kernel and the loader see, present even when sections are stripped. */
import { ElfError } from "./elf-error.js";
import type { ByteReader } from "./reader.js";
import { PATH_MAX } from "./string-table.js";

/** One program header. */
export interface ElfSegment {
  /** p_type: PT_LOAD, PT_DYNAMIC, PT_INTERP … (see PT). */
  readonly type: number;
  /** p_flags: PF_X 1, PF_W 2, PF_R 4. */
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
  readonly memsz: number;
}

/** Segment types this module reads. */
export const PT = { LOAD: 1, DYNAMIC: 2, INTERP: 3 } as const;
/** Segment permission bits. */
export const PF = { X: 1, W: 2, R: 4 } as const;

const PT_NAMES: Readonly<Record<number, string>> = { 1: "PT_LOAD", 2: "PT_DYNAMIC", 3: "PT_INTERP" };

/** Read `num` program headers at `off`; every segment with file bytes must lie inside the file. */
export function readSegments(r: ByteReader, off: number, entsize: number, num: number): ElfSegment[] {
  if (num === 0) return [];
  const min = r.is64 ? 56 : 32;
  if (entsize < min) throw new ElfError(`corrupt ELF: program header entries are ${entsize} bytes, expected at least ${min}`);
  // Checked before the loop, so a bogus count fails at once instead of looping.
  r.need(off, entsize * num, "program header table");
  const out: ElfSegment[] = [];
  for (let i = 0; i < num; i++) {
    const p = off + i * entsize;
    const what = `program header ${i}`;
    const seg: ElfSegment = r.is64
      ? {
          type: r.u32(p),
          flags: r.u32(p + 4),
          offset: r.u64(p + 8, `${what} offset`),
          vaddr: r.u64(p + 16, `${what} address`),
          filesz: r.u64(p + 32, `${what} file size`),
          memsz: r.u64(p + 40, `${what} memory size`),
        }
      : { type: r.u32(p), offset: r.u32(p + 4), vaddr: r.u32(p + 8), filesz: r.u32(p + 16), memsz: r.u32(p + 20), flags: r.u32(p + 24) };
    if (PT_NAMES[seg.type] !== undefined && seg.filesz > 0) r.need(seg.offset, seg.filesz, `segment ${i} (${PT_NAMES[seg.type]})`);
    out.push(seg);
  }
  return out;
}

/** The PT_INTERP path, e.g. /lib64/ld-linux-x86-64.so.2; undefined when there is no PT_INTERP. */
export function readInterpreter(r: ByteReader, segments: readonly ElfSegment[]): string | undefined {
  const seg = segments.find((s) => s.type === PT.INTERP);
  if (seg === undefined) return undefined;
  if (seg.filesz === 0) throw new ElfError("corrupt ELF: PT_INTERP is empty");
  // The kernel refuses a longer one too.
  if (seg.filesz > PATH_MAX) throw new ElfError(`corrupt ELF: PT_INTERP is ${seg.filesz} bytes, more than PATH_MAX (${PATH_MAX}), the limit`);
  const end = seg.offset + seg.filesz;
  // The path is NUL-terminated inside the segment; tolerate a missing NUL at its very end.
  const nul = r.bytes.subarray(seg.offset, end).indexOf(0);
  return r.text(seg.offset, nul < 0 ? seg.filesz : nul, "PT_INTERP");
}

/** Map a virtual address to a file offset through the PT_LOAD segments. */
export function vaddrToOffset(segments: readonly ElfSegment[], vaddr: number): number {
  for (const s of segments) {
    if (s.type === PT.LOAD && vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz) return s.offset + (vaddr - s.vaddr);
  }
  throw new ElfError(`corrupt ELF: address 0x${vaddr.toString(16)} is in no loaded segment`);
}
