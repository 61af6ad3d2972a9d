/** Small ELF files built to make a reader do far more work than their size: shared names, huge counts. */
import { type SyntheticSection, buildElf } from "./synthetic-elf.js";

const enc = new TextEncoder();
const SHF_ALLOC = 2;
const SHF_EXECINSTR = 4;

/** Section indexes of goElf's sections (buildElf numbers extra sections from 1). */
export const SECTION = { text: 1, rodata: 2, gopclntab: 3, symtab: 4, strtab: 5 } as const;

/** An x86-64 executable whose dynamic section names `count` libraries, all one string of `length` bytes. */
export function sharedNeeded(count: number, length: number): Uint8Array {
  return buildElf({ class: 64, littleEndian: true, machine: 62, type: 3, needed: Array<string>(count).fill("l".repeat(length)) });
}

/**
 * A Go 1.20 function table (.gopclntab) for functions with the given names, each `funcSize` bytes of code.
 * Identical names are stored once, as the Go linker does, so repeating a long name costs its bytes once.
 */
export function pclntab(names: readonly string[], funcSize: number): Uint8Array {
  const nameAt = new Map<string, number>();
  const nameBytes: Uint8Array[] = [];
  let nameLen = 0;
  for (const n of names) {
    if (nameAt.has(n)) continue;
    nameAt.set(n, nameLen);
    const b = enc.encode(`${n}\0`);
    nameBytes.push(b);
    nameLen += b.length;
  }
  const RECORD = 44;
  const header = 8 + 8 * 8;
  const nameTab = header;
  const funcTab = align(nameTab + nameLen, 8);
  const records = funcTab + (names.length + 1) * 8;
  const out = new Uint8Array(records + names.length * RECORD);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xfffffff1, true);
  out[6] = 1;
  out[7] = 8;
  const word = (i: number, x: number) => v.setBigUint64(8 + 8 * i, BigInt(x), true);
  word(0, names.length);
  word(3, nameTab);
  word(4, funcTab);
  word(7, funcTab);
  let p = nameTab;
  for (const b of nameBytes) {
    out.set(b, p);
    p += b.length;
  }
  names.forEach((n, i) => {
    const rec = records + i * RECORD;
    v.setUint32(funcTab + 8 * i, i * funcSize, true);
    v.setUint32(funcTab + 8 * i + 4, rec - funcTab, true);
    v.setUint32(rec, i * funcSize, true);
    v.setUint32(rec + 4, nameAt.get(n) ?? 0, true);
  });
  v.setUint32(funcTab + 8 * names.length, names.length * funcSize, true);
  return out;
}

/** ELF64 symbols of `size` bytes at the start of .rodata, named by offsets into `strtab`. */
export function symtab(nameOffsets: readonly number[], size: number, rodataAddr: number): Uint8Array {
  // Entry 0 is the null symbol.
  const out = new Uint8Array((nameOffsets.length + 1) * 24);
  const v = new DataView(out.buffer);
  nameOffsets.forEach((name, i) => {
    const p = (i + 1) * 24;
    v.setUint32(p, name, true);
    out[p + 4] = 1; // STT_OBJECT
    v.setUint16(p + 6, SECTION.rodata, true);
    v.setBigUint64(p + 8, BigInt(rodataAddr), true);
    v.setBigUint64(p + 16, BigInt(size), true);
  });
  return out;
}

/**
 * A stripped-down Go binary for sizeReport: .text, .rodata and .gopclntab, plus .symtab and
 * .strtab when `symbols` is given (name offsets into `strtab`, which starts with a NUL).
 */
export function goElf(o: { names: readonly string[]; funcSize?: number; rodata?: number; symbols?: { offsets: readonly number[]; strtab: string } }): Uint8Array {
  const funcSize = o.funcSize ?? 16;
  const extra: SyntheticSection[] = [
    { name: ".text", type: 1, flags: SHF_ALLOC | SHF_EXECINSTR, data: new Uint8Array(o.names.length * funcSize) },
    { name: ".rodata", type: 1, flags: SHF_ALLOC, data: new Uint8Array(o.rodata ?? 64) },
    { name: ".gopclntab", type: 1, flags: SHF_ALLOC, data: pclntab(o.names, funcSize) },
  ];
  if (o.symbols !== undefined) {
    // .rodata's address: buildElf lays extra sections out 16-byte aligned after the headers (one program header here).
    const rodataAddr = 0x400000 + align(align(64 + 56, 16) + o.names.length * funcSize, 16);
    extra.push({ name: ".symtab", type: 2, data: symtab(o.symbols.offsets, 8, rodataAddr) });
    extra.push({ name: ".strtab", type: 3, data: enc.encode(`\0${o.symbols.strtab}\0`) });
  }
  return buildElf({ class: 64, littleEndian: true, machine: 62, extraSections: extra });
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** An ELF64 file of `size` bytes whose `count` program headers are all PT_LOAD segments over the whole file, with no section headers. */
export function manySegments(count: number, size: number): Uint8Array {
  const bytes = new Uint8Array(Math.max(size, 64 + 56 * count));
  const v = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  v.setUint16(16, 2, true);
  v.setUint16(18, 62, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(32, 64n, true);
  v.setUint16(52, 64, true);
  v.setUint16(54, 56, true);
  v.setUint16(56, count, true);
  v.setUint16(58, 64, true);
  for (let i = 0; i < count; i++) {
    const p = 64 + 56 * i;
    v.setUint32(p, 1, true);
    v.setUint32(p + 4, i % 2 === 0 ? 6 : 5, true);
    v.setBigUint64(p + 16, 0x400000n, true);
    v.setBigUint64(p + 32, BigInt(bytes.length), true);
    v.setBigUint64(p + 40, BigInt(bytes.length), true);
  }
  return bytes;
}

/** Go build info headers every 64 bytes from `from`, each claiming a version string that runs to the file's last byte. */
export function falseBuildInfo(bytes: Uint8Array, from: number): number {
  const magic = Uint8Array.from([0xff, ...enc.encode(" Go buildinf:")]);
  let count = 0;
  for (let at = from; at + 64 < bytes.length - 8; at += 64, count++) {
    bytes.set(magic, at);
    bytes[at + 14] = 8;
    bytes[at + 15] = 2;
    // A three-byte uvarint: the string ends where a zero-length modinfo starts, at the last byte.
    const len = bytes.length - 1 - (at + 32 + 3);
    bytes.set([(len & 0x7f) | 0x80, ((len >> 7) & 0x7f) | 0x80, (len >> 14) & 0x7f], at + 32);
  }
  bytes[bytes.length - 1] = 0;
  return count;
}
