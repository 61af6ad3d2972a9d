/**
 * Small files built to make the ELF readers do far more work than their size:
 * each ends in a bounded result or an ElfError naming the limit, within 3 s and 256 MiB.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ElfError, type SizeReport, formatSizeReport, readElf, readGoBuildInfo, sizeReport } from "../../src/elf/index.js";
import { ByteReader } from "../../src/elf/reader.js";
import { readSymbols } from "../../src/elf/symtab.js";
import { failedWith, succeeded, withinBounds } from "../support/bounded.js";
import { SECTION, falseBuildInfo, goElf, manySegments, sharedNeeded } from "./hostile-elf.js";
import { buildElf } from "./synthetic-elf.js";

async function elfError(what: string, fn: () => unknown, message: RegExp): Promise<void> {
  failedWith(await withinBounds(what, fn), ElfError, message, what);
}

test("30,000 DT_NEEDED entries sharing one 100 KB name (a 580 KB file): the DT_NEEDED limit", async () => {
  const file = sharedNeeded(30_000, 100_000);
  assert.ok(file.length < 600_000, `${file.length} bytes`);
  await elfError("30k DT_NEEDED", () => readElf(file), /^corrupt ELF: the dynamic section names 30000 libraries \(DT_NEEDED\), more than 1024, the limit$/);
});

test("DT_NEEDED names under the count limit: bounded in length, and in all by the string table's size", async () => {
  await elfError("one 100 KB name", () => readElf(sharedNeeded(1, 100_000)), /^corrupt ELF: DT_NEEDED name at byte \d+ is longer than 4096 bytes, the limit for a name$/);
  await elfError(
    "1,000 entries sharing a 4,000-byte name",
    () => readElf(sharedNeeded(1000, 4000)),
    /^corrupt ELF: names read from the dynamic string table add up to more than 1064584 bytes \(4 times its 4002 bytes plus 1048576, the limit\): its entries share names$/,
  );
  const libs = Array.from({ length: 1024 }, (_, i) => `lib${i}.so.1`);
  const many = succeeded(await withinBounds("1,024 libraries", () => readElf(buildElf({ class: 64, littleEndian: true, machine: 62, needed: libs }))), "1,024 libraries");
  assert.deepEqual(many.needed, libs);
});

test("a PT_INTERP longer than PATH_MAX is refused, as the kernel does", async () => {
  await elfError("long PT_INTERP", () => readElf(buildElf({ class: 64, littleEndian: true, machine: 62, interp: `/${"l".repeat(5000)}` })), /^corrupt ELF: PT_INTERP is 5002 bytes, more than PATH_MAX \(4096\), the limit$/);
});

test("a function table where every function names one huge package: the name limits", async () => {
  const huge = goElf({ names: Array<string>(20_000).fill(`${"p".repeat(100_000)}.f`) });
  await elfError("20k functions, one 100 KB name", () => sizeReport(huge), /^corrupt Go function table \(\.gopclntab\): name of function 0 at byte \d+ is longer than 65536 bytes, the limit for a name$/);
  const shared = goElf({ names: Array<string>(20_000).fill(`${"p".repeat(60_000)}.f`) });
  await elfError("20k functions, one 60 KB name", () => sizeReport(shared), /^corrupt Go function table \(\.gopclntab\): names read from the function name table add up to more than \d+ bytes \(4 times its \d+ bytes plus 1048576, the limit\): its entries share names$/);
});

test("a symbol table whose entries all point into one long name: the name limits", async () => {
  const offsets = Array.from({ length: 20_000 }, (_, i) => 1 + (i % 1024));
  const long = goElf({ names: ["main.main"], symbols: { offsets, strtab: `${"s".repeat(100_000)}.x` } });
  await elfError("20k symbols, one 100 KB name", () => sizeReport(long), /^corrupt ELF: symbol name at byte \d+ is longer than 65536 bytes, the limit for a name$/);
  const shared = goElf({ names: ["main.main"], symbols: { offsets, strtab: `${"s".repeat(60_000)}.x` } });
  await elfError("20k symbols, one 60 KB name", () => sizeReport(shared), /^corrupt ELF: names read from \.strtab add up to more than \d+ bytes \(4 times its 60004 bytes plus 1048576, the limit\): its entries share names$/);
});

test("the data symbols kept are capped, with the limit named", async () => {
  const elf = goElf({ names: ["main.main"], symbols: { offsets: [1, 1, 1, 1], strtab: "main.table" } });
  const info = readElf(elf);
  const r = new ByteReader(elf, true, true);
  assert.equal(readSymbols(r, info.sections, new Set([SECTION.rodata])).length, 4);
  assert.throws(() => readSymbols(r, info.sections, new Set([SECTION.rodata]), 3), /^ElfError: corrupt ELF: \.symtab has more than 3 data symbols, the limit$/);
});

test("150,000 packages: sizeReport stops at the package limit", async () => {
  const file = goElf({ names: Array.from({ length: 150_000 }, (_, i) => `example.com/m/p${i}.F`) });
  await elfError("150k packages", () => sizeReport(file), /^corrupt Go binary: its functions and symbols name more than 100000 packages, the limit$/);
});

test("the terminal tree of 150,000 packages in one module is linear", async () => {
  const packages = Array.from({ length: 150_000 }, (_, i) => ({ path: `example.com/m/p${i}`, module: "example.com/m", bytes: 150_000 - i, share: 0, code: 150_000 - i, tables: 0, data: 0 }));
  const total = packages.reduce((n, p) => n + p.bytes, 0);
  const report: SizeReport = {
    arch: "amd64",
    goVersion: "go1.24.4",
    mainModule: "example.com/m",
    totalBytes: total,
    measuredBytes: total,
    symbols: false,
    sections: [],
    modules: [{ path: "example.com/m", bytes: total, share: 1, packages: packages.length }],
    packages,
    unattributed: { bytes: 0, share: 0, parts: [] },
    unmeasured: { bytes: 0, share: 0 },
  };
  const text = succeeded(await withinBounds("tree of 150k packages", () => formatSizeReport(report, { tree: true, top: 3 })), "tree");
  assert.deepEqual(text.split("\n").slice(1, 7), [
    "├─  10.5 GiB 100.0%  example.com/m",
    "│  ├─ 146.5 KiB   0.0%  example.com/m/p0",
    "│  ├─ 146.5 KiB   0.0%  example.com/m/p1",
    "│  ├─ 146.5 KiB   0.0%  example.com/m/p2",
    "│  └─  10.5 GiB 100.0%  … 149997 more",
    "├─       0 B   0.0%  (unattributed)",
  ]);
});

test("100 packages of 8,000 path elements each are resolved to modules in one pass each", async () => {
  const deep = (i: number) => `p${i}/${Array<string>(8_000).fill("a").join("/")}`;
  const file = goElf({ names: Array.from({ length: 100 }, (_, i) => `${deep(i)}.F`) });
  const report = succeeded(await withinBounds("deep package paths", () => sizeReport(file)), "deep paths");
  assert.equal(report.packages.length, 100);
  assert.deepEqual(new Set(report.packages.map((p) => p.module)), new Set(["std"]));
});

test("Go build info: many false headers and many overlapping segments are each scanned once", async () => {
  const bytes = new Uint8Array(580_000);
  bytes.set(manySegments(1, bytes.length));
  assert.ok(falseBuildInfo(bytes, 4096) > 8000);
  assert.equal(succeeded(await withinBounds("9k false build info headers", () => readGoBuildInfo(bytes, readElf(bytes))), "false headers"), undefined);
  const segments = manySegments(60_000, 0);
  assert.equal(succeeded(await withinBounds("60k segments over a 3.4 MB file", () => readGoBuildInfo(segments, readElf(segments))), "segments"), undefined);
});
