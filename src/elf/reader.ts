/** Bounds-checked little/big-endian reads over a file's bytes. */
import { ElfError } from "./elf-error.js";

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const utf8 = new TextDecoder();

/** Reads fixed-width fields; every read is checked against the file's length first. */
export class ByteReader {
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
    readonly is64: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Throws unless [offset, offset+length) lies inside the file. */
  need(offset: number, length: number, what: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.bytes.length) {
      throw new ElfError(`truncated ELF: ${what} ends at byte ${offset + length} but the file has ${this.bytes.length} bytes`);
    }
  }

  u8(o: number, what = "field"): number {
    this.need(o, 1, what);
    return this.view.getUint8(o);
  }
  u16(o: number, what = "field"): number {
    this.need(o, 2, what);
    return this.view.getUint16(o, this.littleEndian);
  }
  u32(o: number, what = "field"): number {
    this.need(o, 4, what);
    return this.view.getUint32(o, this.littleEndian);
  }
  /** A 64-bit value exactly, for fields that may legitimately exceed 2^53 (dynamic tags and flags). */
  big64(o: number, what = "field"): bigint {
    this.need(o, 8, what);
    return this.view.getBigUint64(o, this.littleEndian);
  }
  /** A 64-bit value as a number; offsets and sizes beyond 2^53 are not real files. */
  u64(o: number, what = "field"): number {
    const v = this.big64(o, what);
    if (v > MAX_SAFE) throw new ElfError(`corrupt ELF: ${what} at byte ${o} is 0x${v.toString(16)}, out of range`);
    return Number(v);
  }
  /** A word of the file's class: 4 bytes for ELF32, 8 for ELF64. */
  word(o: number, what = "field"): number {
    return this.is64 ? this.u64(o, what) : this.u32(o, what);
  }
  /** A word of the file's class as a bigint, never out of range. */
  bigWord(o: number, what = "field"): bigint {
    return this.is64 ? this.big64(o, what) : BigInt(this.u32(o, what));
  }
  /** `length` bytes at `o` as UTF-8. */
  text(o: number, length: number, what: string): string {
    this.need(o, length, what);
    return utf8.decode(this.bytes.subarray(o, o + length));
  }
}
