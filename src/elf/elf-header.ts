/** The ELF identification and file header: class, byte order, type, machine and where the tables are. */
import { ElfError } from "./elf-error.js";
import { ByteReader } from "./reader.js";

/** The fixed-size ELF file header, with fields widened to numbers. */
export interface ElfHeader {
  readonly is64: boolean;
  readonly littleEndian: boolean;
  readonly osabi: number;
  readonly type: number;
  readonly machine: number;
  readonly entry: number;
  readonly phoff: number;
  readonly phentsize: number;
  readonly phnum: number;
  readonly shoff: number;
  readonly shentsize: number;
  readonly shnum: number;
  readonly shstrndx: number;
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const;

/** What a non-ELF file most likely is, from its first bytes; people pass the wrong file more often than a broken one. */
const LOOKALIKES: ReadonlyArray<readonly [readonly number[], string]> = [
  [[0x23, 0x21], "a script?"],
  [[0x4d, 0x5a], "a Windows PE file?"],
  [[0xcf, 0xfa, 0xed, 0xfe], "a macOS Mach-O file?"],
  [[0xce, 0xfa, 0xed, 0xfe], "a macOS Mach-O file?"],
  [[0xca, 0xfe, 0xba, 0xbe], "a macOS universal binary or Java class?"],
  [[0x1f, 0x8b], "gzip data?"],
  [[0x50, 0x4b, 0x03, 0x04], "a zip archive?"],
  [[0x21, 0x3c, 0x61, 0x72, 0x63, 0x68, 0x3e], "an ar archive?"],
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((b, i) => bytes[i] === b);
}

function notElf(bytes: Uint8Array): ElfError {
  if (bytes.length === 0) return new ElfError("not an ELF file: the file is empty");
  const head = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  const hint = LOOKALIKES.find(([magic]) => startsWith(bytes, magic))?.[1];
  return new ElfError(`not an ELF file: first bytes are ${head}${hint ? ` (${hint})` : ""}`);
}

/** Parse the identification and file header; the returned reader has the file's byte order and class. */
export function readHeader(bytes: Uint8Array): { header: ElfHeader; r: ByteReader } {
  // A file that starts like ELF but is shorter than the identification is cut off, not something else.
  if (bytes.length === 0 || !startsWith(bytes, ELF_MAGIC.slice(0, Math.min(4, bytes.length)))) throw notElf(bytes);
  if (bytes.length < 16) throw new ElfError(`truncated ELF: identification ends at byte 16 but the file has ${bytes.length} bytes`);
  const klass = bytes[4];
  const data = bytes[5];
  if (klass !== 1 && klass !== 2) throw new ElfError(`corrupt ELF: unknown class ${klass} (expected 1 for 32-bit or 2 for 64-bit)`);
  if (data !== 1 && data !== 2) throw new ElfError(`corrupt ELF: unknown byte order ${data} (expected 1 for little or 2 for big endian)`);
  const is64 = klass === 2;
  const r = new ByteReader(bytes, data === 1, is64);
  r.need(0, is64 ? 64 : 52, "ELF header");
  const header: ElfHeader = is64
    ? {
        is64,
        littleEndian: r.littleEndian,
        osabi: r.u8(7),
        type: r.u16(16),
        machine: r.u16(18),
        entry: r.u64(24, "entry point"),
        phoff: r.u64(32, "program header offset"),
        shoff: r.u64(40, "section header offset"),
        phentsize: r.u16(54),
        phnum: r.u16(56),
        shentsize: r.u16(58),
        shnum: r.u16(60),
        shstrndx: r.u16(62),
      }
    : {
        is64,
        littleEndian: r.littleEndian,
        osabi: r.u8(7),
        type: r.u16(16),
        machine: r.u16(18),
        entry: r.u32(24),
        phoff: r.u32(28),
        shoff: r.u32(32),
        phentsize: r.u16(42),
        phnum: r.u16(44),
        shentsize: r.u16(46),
        shnum: r.u16(48),
        shstrndx: r.u16(50),
      };
  return { header, r };
}
