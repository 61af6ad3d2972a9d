/** Layouts the host toolchain cannot build: every class/byte-order pair, pre-1.18 build info, extended numbering, RPATH, static-PIE. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DF_1_PIE, readElf, readGoBuildInfo } from "../../src/elf/index.js";
import { buildElf } from "./synthetic-elf.js";

const MODINFO = [
  "path\texample.com/old/cmd/tool",
  "mod\texample.com/old\t(devel)\t",
  "dep\tgolang.org/x/text\tv0.3.7\th1:olpwvP2KacW1ZWvsR7uQhoyTYvKAupfQrRGBFM352Gk=",
  "=>\tgolang.org/x/text\tv0.3.8\th1:abc=",
  "build\tCGO_ENABLED=0",
  "",
].join("\n");

test("machine, class and byte order give the GOARCH name, on all four layouts", () => {
  const cases: Array<[32 | 64, boolean, number, string]> = [
    [64, true, 62, "amd64"],
    [32, true, 3, "386"],
    [32, true, 40, "arm"],
    [64, true, 183, "arm64"],
    [32, false, 8, "mips"],
    [32, true, 8, "mipsle"],
    [64, false, 8, "mips64"],
    [64, true, 8, "mips64le"],
    [64, false, 21, "ppc64"],
    [64, true, 21, "ppc64le"],
    [64, false, 22, "s390x"],
    [64, true, 243, "riscv64"],
    [64, true, 258, "loong64"],
    [64, true, 9999, "machine-9999"],
  ];
  for (const [klass, le, machine, arch] of cases) {
    for (const sections of [true, false]) {
      const bytes = buildElf({ class: klass, littleEndian: le, machine, interp: "/lib/ld.so.1", needed: ["libc.so.6", "libm.so.6"], runpath: "$ORIGIN/../lib:/opt/lib", sections });
      const elf = readElf(bytes);
      const got = [elf.class, elf.littleEndian, elf.machine, elf.arch, elf.type, elf.interpreter, elf.needed, elf.runpath, elf.isStatic, elf.sections.length];
      assert.deepEqual(got, [klass, le, machine, arch, "EXEC", "/lib/ld.so.1", ["libc.so.6", "libm.so.6"], ["$ORIGIN/../lib", "/opt/lib"], false, sections ? 5 : 0], `${arch} ${klass} ${sections}`);
      assert.equal(elf.entry, 0x400000 + (klass === 64 ? 64 : 52));
    }
  }
});

test("section names are read from .shstrtab", () => {
  const elf = readElf(buildElf({ class: 32, littleEndian: false, machine: 8, interp: "/lib/ld.so.1", needed: ["libc.so.6"], sections: true }));
  assert.deepEqual(
    elf.sections.map((s) => s.name),
    ["", ".interp", ".dynstr", ".dynamic", ".shstrtab"],
  );
});

test("pre-1.18 pointer-format build info, through the data segment's addresses", () => {
  for (const [klass, le] of [[64, true], [64, false], [32, true], [32, false]] as const) {
    for (const sections of [true, false]) {
      const bytes = buildElf({ class: klass, littleEndian: le, machine: 62, sections, buildInfo: { format: "pointer", version: "go1.17.13", modinfo: MODINFO } });
      const what = `${klass} ${le} ${sections}`;
      const expected = {
        goVersion: "go1.17.13",
        path: "example.com/old/cmd/tool",
        main: { path: "example.com/old", version: "(devel)", sum: "" },
        deps: [
          {
            path: "golang.org/x/text",
            version: "v0.3.7",
            sum: "h1:olpwvP2KacW1ZWvsR7uQhoyTYvKAupfQrRGBFM352Gk=",
            replace: { path: "golang.org/x/text", version: "v0.3.8", sum: "h1:abc=" },
          },
        ],
        settings: { CGO_ENABLED: "0" },
      };
      assert.deepEqual(readGoBuildInfo(bytes, readElf(bytes)), expected, what);
      assert.deepEqual(readGoBuildInfo(bytes), expected, `${what} without ElfInfo`);
    }
  }
});

test("inline build info in a big-endian 32-bit file without sections, found by scanning", () => {
  const bytes = buildElf({ class: 32, littleEndian: false, machine: 8, buildInfo: { format: "inline", version: "go1.26.0", modinfo: "path\tx/y\nbuild\tGOARCH=mips\n" } });
  const elf = readElf(bytes);
  assert.equal(elf.sections.length, 0);
  assert.deepEqual(readGoBuildInfo(bytes, elf), { goVersion: "go1.26.0", path: "x/y", main: undefined, deps: [], settings: { GOARCH: "mips" } });
});

test("modinfo without its sentinel frame counts as no module info, like debug/buildinfo", () => {
  const bytes = buildElf({ class: 64, littleEndian: true, machine: 62, buildInfo: { format: "inline", version: "go1.26.0", modinfo: "" } });
  // The frame alone (32 bytes, no newline before the end sentinel) is not module info.
  assert.deepEqual(readGoBuildInfo(bytes), { goVersion: "go1.26.0", path: "", main: undefined, deps: [], settings: {} });
});

test("the magic at an unaligned offset or with a bogus header is not build info; in .go.buildinfo it is corruption", () => {
  const info = { format: "inline", version: "go1.26.0", modinfo: "path\tx\n" } as const;
  const bytes = buildElf({ class: 64, littleEndian: true, machine: 62, buildInfo: info });
  const at = Buffer.from(bytes).indexOf("Go buildinf:") - 2;
  assert.equal(at % 16, 0);
  assert.equal(readGoBuildInfo(bytes)?.path, "x");
  const bogus = Uint8Array.from(bytes);
  bogus[at + 14] = 3;
  assert.equal(readGoBuildInfo(bogus), undefined);
  assert.equal(readGoBuildInfo(bogus, readElf(bogus)), undefined);
  const unaligned = new Uint8Array(bytes.length + 1);
  unaligned.set(bytes.subarray(0, at));
  unaligned.set(bytes.subarray(at), at + 1);
  assert.equal(readGoBuildInfo(unaligned), undefined);

  const withSections = Uint8Array.from(buildElf({ class: 64, littleEndian: true, machine: 62, buildInfo: info, sections: true }));
  withSections[at + 14] = 3;
  assert.throws(() => readGoBuildInfo(withSections, readElf(withSections)), {
    name: "ElfError",
    message: "corrupt Go build info in .go.buildinfo: pointer size 3",
  });
});

test("DT_RUNPATH wins over DT_RPATH, as in glibc; DT_RPATH alone is the search path", () => {
  const both = readElf(buildElf({ class: 64, littleEndian: true, machine: 62, needed: ["libfoo.so"], rpath: "/old", runpath: "/new:/newer" }));
  assert.deepEqual([both.runpath, both.dynamic?.rpath, both.dynamic?.runpath], [["/new", "/newer"], ["/old"], ["/new", "/newer"]]);
  const rpath = readElf(buildElf({ class: 64, littleEndian: true, machine: 62, needed: ["libfoo.so"], rpath: "/old" }));
  assert.deepEqual([rpath.runpath, rpath.dynamic?.runpath], [["/old"], []]);
});

test("static-PIE: PT_DYNAMIC with DF_1_PIE, no loader, no libraries; a dependency-free library is static but not a PIE", () => {
  const pie = readElf(buildElf({ class: 64, littleEndian: true, machine: 62, type: 3, flags1: DF_1_PIE }));
  assert.deepEqual([pie.type, pie.isStatic, pie.staticPie, pie.dynamic?.flags1], ["DYN", true, true, DF_1_PIE]);
  const lib = readElf(buildElf({ class: 64, littleEndian: true, machine: 62, type: 3, soname: "ld-linux-x86-64.so.2" }));
  assert.deepEqual([lib.isStatic, lib.staticPie, lib.soname], [true, false, "ld-linux-x86-64.so.2"]);
  const plain = readElf(buildElf({ class: 64, littleEndian: true, machine: 62 }));
  assert.deepEqual([plain.isStatic, plain.staticPie, plain.dynamic], [true, false, undefined]);
});

test("extended numbering: e_phnum 0xffff means the count is in section 0's sh_info", () => {
  for (const klass of [32, 64] as const) {
    const elf = readElf(buildElf({ class: klass, littleEndian: klass === 32, machine: 62, interp: "/lib/ld.so", needed: ["libc.so.6"], extendedPhnum: true }));
    assert.deepEqual([elf.segments.length, elf.interpreter, elf.needed], [3, "/lib/ld.so", ["libc.so.6"]]);
  }
});
