/** Truncated, mislabelled and corrupt files: always an ElfError that says what is wrong, never a RangeError or a hang. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ElfError, readElf, readGoBuildInfo } from "../../src/elf/index.js";
import { type Built, goBuildAll, writeSources } from "./go-fixtures.js";
import { buildElf } from "./synthetic-elf.js";

let sources: ReturnType<typeof writeSources>;
let good: Uint8Array;

before(async () => {
  sources = writeSources();
  const built = await goBuildAll(sources.dir, { static: { module: "app", env: { CGO_ENABLED: "0", GOARCH: "amd64" } } });
  good = (built.get("static") as Built).bytes;
});

after(() => sources?.dispose());

function throwsElf(bytes: Uint8Array, message: string | RegExp, what: string): void {
  assert.throws(
    () => readElf(bytes),
    (err: unknown) => {
      assert.ok(err instanceof ElfError, `${what}: ${String(err)}`);
      assert.equal(err.name, "ElfError");
      if (typeof message === "string") assert.equal(err.message, message, what);
      else assert.match(err.message, message, what);
      return true;
    },
    what,
  );
}

/** A copy of the good binary's first `length` bytes (all of it by default) with `edit` applied. */
function patched(edit: (v: DataView, b: Uint8Array) => void, length = good.length): Uint8Array {
  const b = Uint8Array.from(good.subarray(0, length));
  edit(new DataView(b.buffer), b);
  return b;
}

test("files that are not ELF say what they look like", () => {
  const text = (s: string) => new TextEncoder().encode(s);
  throwsElf(new Uint8Array(0), "not an ELF file: the file is empty", "empty");
  throwsElf(text("#!/bin/sh\necho hi\n"), "not an ELF file: first bytes are 23 21 2f 62 (a script?)", "script");
  throwsElf(Uint8Array.of(0x4d, 0x5a, 0x90, 0, 3), "not an ELF file: first bytes are 4d 5a 90 00 (a Windows PE file?)", "PE");
  throwsElf(Uint8Array.of(0x1f, 0x8b, 8, 0), "not an ELF file: first bytes are 1f 8b 08 00 (gzip data?)", "gzip");
  throwsElf(text("module x\n"), "not an ELF file: first bytes are 6d 6f 64 75", "go.mod");
  throwsElf(patched((_, b) => (b[1] = 0x46)), "not an ELF file: first bytes are 7f 46 4c 46", "flipped magic");
  throwsElf(good.subarray(0, 3), "truncated ELF: identification ends at byte 16 but the file has 3 bytes", "3 bytes");
});

test("a cut anywhere gives 'truncated ELF', with the table that is cut", () => {
  const v = new DataView(good.buffer, good.byteOffset, good.byteLength);
  const phnum = v.getUint16(56, true);
  const shoff = Number(v.getBigUint64(40, true));
  const shnum = v.getUint16(60, true);
  throwsElf(good.subarray(0, 20), "truncated ELF: ELF header ends at byte 64 but the file has 20 bytes", "20");
  throwsElf(good.subarray(0, 100), `truncated ELF: program header table ends at byte ${64 + 56 * phnum} but the file has 100 bytes`, "100");
  // Go writes the section header table right after the program headers, so a cut there also cuts the first PT_LOAD.
  assert.equal(shoff, 64 + 56 * phnum);
  throwsElf(good.subarray(0, shoff + 64 * shnum), /^truncated ELF: segment \d+ \(PT_LOAD\) ends at byte \d+ but the file has \d+ bytes$/, "shdrs");
  const cuts = new Set([good.length - 1, shoff, shoff - 1]);
  for (let c = 16; c < good.length; c += Math.max(1, Math.floor(good.length / 300))) cuts.add(c);
  for (const cut of cuts) {
    const bytes = good.subarray(0, cut);
    throwsElf(bytes, new RegExp(`^truncated ELF: .+ ends at byte \\d+ but the file has ${cut} bytes$`), `cut at ${cut}`);
    // Without the ELF layout the scan may still find the header or not, but never crashes.
    try {
      readGoBuildInfo(bytes);
    } catch (err) {
      assert.ok(err instanceof ElfError, `build info at cut ${cut}: ${String(err)}`);
    }
  }
});

test("bogus counts, offsets and sizes in the header", () => {
  const n = good.length;
  const phnum = new DataView(good.buffer, good.byteOffset).getUint16(56, true);
  throwsElf(
    patched((v) => v.setUint16(56, 0xfff0, true), 4096),
    `truncated ELF: program header table ends at byte ${64 + 56 * 0xfff0} but the file has 4096 bytes`,
    "huge phnum",
  );
  throwsElf(patched((v) => v.setUint16(56, 0xffff, true), 4096), /^truncated ELF: section name table ends at byte \d+ but the file has 4096 bytes$/, "PN_XNUM, count from section 0");
  throwsElf(patched((v) => v.setBigUint64(32, 1n << 40n, true)), `truncated ELF: program header table ends at byte ${2 ** 40 + 56 * phnum} but the file has ${n} bytes`, "phoff past EOF");
  throwsElf(patched((v) => v.setBigUint64(32, 1n << 62n, true)), "corrupt ELF: program header offset at byte 32 is 0x4000000000000000, out of range", "phoff > 2^53");
  throwsElf(patched((v) => v.setBigUint64(40, BigInt(n), true)), new RegExp(`^truncated ELF: section header table ends at byte \\d+ but the file has ${n} bytes$`), "shoff at EOF");
  throwsElf(patched((v) => v.setUint16(54, 8, true)), "corrupt ELF: program header entries are 8 bytes, expected at least 56", "phentsize");
  throwsElf(patched((v) => v.setUint16(58, 0, true)), "corrupt ELF: section header entries are 0 bytes, expected at least 64", "shentsize");
  throwsElf(patched((v) => v.setUint16(62, 999, true)), /^corrupt ELF: section name table is section 999 but there are only \d+ sections$/, "shstrndx");
  throwsElf(patched((_, b) => (b[4] = 9)), "corrupt ELF: unknown class 9 (expected 1 for 32-bit or 2 for 64-bit)", "class");
  throwsElf(patched((_, b) => (b[5] = 3)), "corrupt ELF: unknown byte order 3 (expected 1 for little or 2 for big endian)", "byte order");
});

test("bad offsets inside the dynamic section and program headers", () => {
  const lib = buildElf({ class: 64, littleEndian: true, machine: 62, interp: "/lib/ld.so", needed: ["libc.so.6"] });
  const v = new DataView(lib.buffer);
  // The first dynamic entry is DT_NEEDED; point its string past DT_STRSZ.
  const dynOff = Number(v.getBigUint64(64 + 2 * 56 + 8, true));
  const bad = Uint8Array.from(lib);
  new DataView(bad.buffer).setBigUint64(dynOff + 8, 9999n, true);
  throwsElf(bad, "corrupt ELF: dynamic string at 9999 lies outside DT_STRSZ 11", "DT_NEEDED offset");
  // DT_STRTAB (second entry) at an address no segment maps.
  const unmapped = Uint8Array.from(lib);
  new DataView(unmapped.buffer).setBigUint64(dynOff + 16 + 8, 0x10n, true);
  throwsElf(unmapped, "corrupt ELF: address 0x10 is in no loaded segment", "DT_STRTAB");
  // PT_INTERP (second program header) with a size past the end.
  const interp = Uint8Array.from(lib);
  new DataView(interp.buffer).setBigUint64(64 + 56 + 32, 1n << 20n, true);
  throwsElf(interp, /^truncated ELF: segment 1 \(PT_INTERP\) ends at byte \d+ but the file has \d+ bytes$/, "PT_INTERP size");
});

test("random damage to the headers never escapes as anything but ElfError", () => {
  const samples = [good.subarray(0, 8192), buildElf({ class: 32, littleEndian: false, machine: 8, interp: "/lib/ld.so.1", needed: ["libc.so.6"], sections: true, buildInfo: { format: "pointer", version: "go1.17", modinfo: "path\tx\n" } })];
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const started = Date.now();
  for (let i = 0; i < 3000; i++) {
    const b = Uint8Array.from(samples[i % 2] as Uint8Array);
    const flips = 1 + rand(4);
    for (let f = 0; f < flips; f++) b[rand(Math.min(b.length, 512))] = rand(256);
    try {
      const elf = readElf(b);
      readGoBuildInfo(b, elf);
      readGoBuildInfo(b);
    } catch (err) {
      assert.ok(err instanceof ElfError, `sample ${i}: ${String(err)}`);
    }
  }
  assert.ok(Date.now() - started < 20_000, "damaged files are rejected quickly");
});
