/** Bounds-checked little/big-endian reads over a file's bytes. */
import { ElfError } from "./elf-error.js";

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
    if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > this.bytes.length) {
      throw new ElfError(`truncated ELF: ${what} ends at byte ${offset + length} but the file has ${this.bytes.length} bytes`);
    }
  }

  u8(o: number): number {
    this.need(o, 1, "field");
    return this.view.getUint8(o);
  }
  u16(o: number): number {
    this.need(o, 2, "field");
    return this.view.getUint16(o, this.littleEndian);
  }
  u32(o: number): number {
    this.need(o, 4, "field");
    return this.view.getUint32(o, this.littleEndian);
  }
  /** A 64-bit value as a number; offsets and sizes beyond 2^53 are not real files. */
  u64(o: number): number {
    this.need(o, 8, "field");
    const v = this.view.getBigUint64(o, this.littleEndian);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError(`corrupt ELF: value at byte ${o} is out of range`);
    return Number(v);
  }
  /** A word of the file's class: 4 bytes for ELF32, 8 for ELF64. */
  word(o: number): number {
    return this.is64 ? this.u64(o) : this.u32(o);
  }
  /** A NUL-terminated string. */
  cstring(o: number, what: string): string {
    this.need(o, 0, what);
    const end = this.bytes.indexOf(0, o);
    if (end < 0) throw new ElfError(`corrupt ELF: ${what} at byte ${o} is not terminated`);
    return new TextDecoder().decode(this.bytes.subarray(o, end));
  }
}
