/** Corrupt function tables and odd files: sizeReport throws an ElfError that says what is wrong, never crashes or hangs. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ElfError, readElf, readPclntab, sizeReport } from "../../src/elf/index.js";
import { type Built, gccBuild, goBuildAll, writeSources } from "./go-fixtures.js";

let sources: ReturnType<typeof writeSources>;
let good: Uint8Array;
let cBinary: Uint8Array;
let pcln: { offset: number; size: number };

before(async () => {
  sources = writeSources();
  const built = await goBuildAll(sources.dir, { stripped: { module: "app", env: { CGO_ENABLED: "0", GOARCH: "amd64" }, args: ["-ldflags", "-s -w"] } });
  good = (built.get("stripped") as Built).bytes;
  cBinary = (await gccBuild(sources.dir, "c", [])).bytes;
  const s = readElf(good).sections.find((x) => x.name === ".gopclntab");
  assert.ok(s);
  pcln = s;
});

after(() => sources?.dispose());

function throwsElf(fn: () => unknown, message: RegExp, what: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ElfError, `${what}: ${String(err)}`);
    assert.match(err.message, message, what);
    return true;
  });
}

/** The good binary's function table with `edit` applied to a copy. */
function table(edit: (v: DataView) => void, length = pcln.size): Uint8Array {
  const b = Uint8Array.from(good.subarray(pcln.offset, pcln.offset + length));
  edit(new DataView(b.buffer));
  return b;
}

const FUNCTAB = 8 + 7 * 8;

test("the good table parses, and every header field that is wrong is named", () => {
  const t = readPclntab(table(() => {}), true);
  assert.equal(t.format, "1.20");
  assert.ok(t.funcs.length > 100);
  const functab = Number(new DataView(good.buffer, good.byteOffset + pcln.offset).getBigUint64(FUNCTAB, true));
  throwsElf(() => readPclntab(table(() => {}, 5), true), /^corrupt Go function table \(\.gopclntab\): the section has 5 bytes, too few for its header$/, "tiny");
  throwsElf(() => readPclntab(table(() => {}, 40), true), /the section has 40 bytes, its header needs 72/, "short header");
  throwsElf(() => readPclntab(table((v) => v.setUint32(0, 0xfffffffa, true)), true), /^unsupported Go function table: built by Go 1\.16 or 1\.17; size attribution needs a binary built by Go 1\.18 or later$/, "1.16");
  throwsElf(() => readPclntab(table((v) => v.setUint32(0, 0x12345678, true)), true), /magic 0x12345678 is not a Go 1\.18\+ table/, "magic");
  throwsElf(() => readPclntab(table((v) => v.setUint8(7, 3)), true), /pointer size 3, expected 4 or 8/, "ptrsize");
  throwsElf(() => readPclntab(table((v) => v.setBigUint64(8, 1n << 40n, true)), true), /\d+ functions do not fit in the section/, "nfunc");
  throwsElf(() => readPclntab(table((v) => v.setBigUint64(8, 1n << 62n, true)), true), /function count is out of range/, "nfunc 2^62");
  throwsElf(() => readPclntab(table((v) => v.setBigUint64(FUNCTAB, BigInt(pcln.size + 1), true)), true), /function table offset \d+ lies outside the section/, "functab");
  throwsElf(() => readPclntab(table((v) => v.setBigUint64(8 + 3 * 8, 3n, true)), true), /name table offset 3 lies outside the section/, "nametab");
  throwsElf(() => readPclntab(table((v) => v.setUint32(functab + 12, 0xffffffff, true)), true), /record of function 1 at byte \d+ lies outside the section/, "record offset");
  throwsElf(() => readPclntab(table((v) => v.setUint32(functab + 16, 0, true)), true), /function 1 starts at \+0x[0-9a-f]+ but the next one at \+0x0/, "order");
  const rec = functab + new DataView(good.buffer, good.byteOffset + pcln.offset).getUint32(functab + 4, true);
  throwsElf(() => readPclntab(table((v) => v.setUint32(rec + 4, 0x7fffffff, true)), true), /name of function 0 at byte \d+ lies outside the function name table/, "name");
  throwsElf(() => readPclntab(table((v) => v.setUint32(rec + 28, 0x40000000, true)), true), /record of function 0 at byte \d+ claims \d+ table slots past the section's end/, "npcdata");
  throwsElf(() => readPclntab(table((v) => v.setUint32(rec, 0x1234, true)), true), /record of function 0 gives entry \+0x1234, the table \+0x0/, "entry");
});

test("files sizeReport cannot attribute say why", () => {
  throwsElf(() => sizeReport(cBinary), /^not a Go binary: it has no \.gopclntab section$/, "C");
  const noSections = Uint8Array.from(good);
  const v = new DataView(noSections.buffer);
  v.setBigUint64(40, 0n, true);
  v.setUint16(60, 0, true);
  throwsElf(() => sizeReport(noSections), /^no section headers: size attribution needs them/, "sstripped");
  throwsElf(() => sizeReport(new TextEncoder().encode("#!/bin/sh\n")), /^not an ELF file/, "script");
  throwsElf(() => sizeReport(good.subarray(0, pcln.offset + 100)), /^truncated ELF/, "cut");
});

test("random damage to the function table: a report whose sums hold, or an ElfError, quickly", () => {
  // A fixed seed keeps the test repeatable.
  let seed = 0x5eed;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const started = Date.now();
  let errors = 0;
  for (let i = 0; i < 300; i++) {
    const b = Uint8Array.from(good);
    // Most hits go to the header and the first records, where a flip changes the most.
    const span = i % 2 === 0 ? 4096 : pcln.size;
    for (let k = 0; k < 1 + rand(4); k++) b[pcln.offset + rand(span)] = rand(256);
    try {
      const r = sizeReport(b);
      const attributed = r.modules.reduce((n, m) => n + m.bytes, 0);
      assert.equal(attributed + r.unattributed.bytes, r.measuredBytes, `mutation ${i}`);
      assert.ok(r.unattributed.parts.every((p) => p.bytes >= 0), `mutation ${i}`);
    } catch (err) {
      if (!(err instanceof ElfError)) throw new Error(`mutation ${i} threw ${String(err)}`);
      errors++;
    }
  }
  assert.ok(errors > 0, "no mutation was caught");
  assert.ok(Date.now() - started < 30_000, "300 reports took more than 30 s");
});
