/**
 * ELF inputs: Go-like binaries made from parts (function table, build info,
 * symbols, dynamic section), the amplifiers that turn a small file into
 * gigabytes of strings, and the offsets of every header field, so mutation
 * can put interesting integers where the readers look.
 */
import type { Field } from "../mutate.js";
import type { Rng } from "../prng.js";
import { BASE, Bytes, DT, type ElfSpec, type Layout, type PclnFunc, SHF, SHT, type SectionSpec, buildInfo, cstr, dynamicSection, modinfo, pclntab, writeElf } from "./elf-writer.js";

const enc = new TextEncoder();
const MACHINES: ReadonlyArray<{ machine: number; class: 32 | 64; le: boolean; goarch: string }> = [
  { machine: 62, class: 64, le: true, goarch: "amd64" },
  { machine: 183, class: 64, le: true, goarch: "arm64" },
  { machine: 40, class: 32, le: true, goarch: "arm" },
  { machine: 3, class: 32, le: true, goarch: "386" },
  { machine: 22, class: 64, le: false, goarch: "s390x" },
  { machine: 243, class: 64, le: true, goarch: "riscv64" },
  { machine: 21, class: 64, le: false, goarch: "ppc64" },
];
const PACKAGES = ["main", "runtime", "internal/cpu", "example.com/app/internal/x", "github.com/spf13/cobra", "gopkg.in/yaml%2ev3", "golang.org/x/sys/unix", "vendor/golang.org/x/net/dns", "example.com/äpp"];
const FUNC_FORMS = ["F", "(*T).M", "F.func1", "F[...]", "F[go.shape.int]", "init", "T.String"];
const ODD_NAMES = ["go:buildinfo", "type:.eq.main.T", "go:itab.*os.File,io.Writer", "$f64.3ff0000000000000", "_rt0_amd64_linux", "x_cgo_init", "", ".", "a.", "[", "memeqbody", "type:*[8]internal/cpu.option"];

/** A Go-like binary: code, function table, build info, maybe symbols and a dynamic section; for `goarch` when given. */
export function goLikeElf(rng: Rng, goarch?: string): Uint8Array {
  const m = MACHINES.find((x) => x.goarch === goarch) ?? rng.pick(MACHINES);
  const ptrSize = m.class === 64 ? 8 : 4;
  const names: string[] = [];
  const funcs: PclnFunc[] = [];
  const nameBytes = new Bytes(false, m.le);
  const nfunc = rng.range(1, 200);
  for (let i = 0; i < nfunc; i++) {
    const name = rng.chance(0.1) ? rng.pick(ODD_NAMES) : `${rng.pick(PACKAGES)}.${rng.pick(FUNC_FORMS)}`;
    const nameOff = nameBytes.length;
    nameBytes.raw(cstr(name));
    names.push(name);
    funcs.push({ nameOff, size: rng.range(1, 512), npcdata: rng.int(3), nfuncdata: rng.int(3) });
  }
  const code = funcs.reduce((n, f) => n + f.size, 0);
  const deps = Array.from({ length: rng.int(6) }, (_, i) => ({
    path: rng.pick(["github.com/spf13/cobra", "gopkg.in/yaml.v3", "golang.org/x/sys", `example.com/dep${i}`]),
    version: rng.pick(["v1.2.3", "v0.0.0-20240101000000-abcdefabcdef", "(devel)"]),
    ...(rng.chance(0.2) ? { replace: "../local" } : {}),
  }));
  const settings: Array<[string, string]> = [
    ["-buildmode", rng.pick(["exe", "pie", "c-shared"])],
    ["CGO_ENABLED", rng.pick(["0", "1"])],
    ["GOARCH", m.goarch],
    ["GOOS", rng.pick(["linux", "linux", "darwin"])],
    ...(m.goarch === "amd64" ? [["GOAMD64", rng.pick(["v1", "v3"])] as [string, string]] : []),
    ...(rng.chance(0.3) ? [["-ldflags", `"-s -w"`] as [string, string]] : []),
  ];
  const sections: SectionSpec[] = [
    { name: ".text", type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.EXEC, data: rng.bytes(code + rng.int(64)), align: 16 },
    { name: ".rodata", type: SHT.PROGBITS, flags: SHF.ALLOC, data: rng.bytes(rng.range(16, 2048)) },
    { name: ".gopclntab", type: SHT.PROGBITS, flags: SHF.ALLOC, data: pclntab({ le: m.le, ptrSize, names: nameBytes.done(), funcs }) },
  ];
  if (rng.chance(0.9)) {
    const version = rng.pick(["go1.24.3", "go1.22.0", "devel go1.25-abcdef", "1.24", ""]);
    const info = buildInfo({ le: m.le, ptrSize, version, modinfo: modinfo({ path: "example.com/app", main: "example.com/app", deps, settings }) });
    sections.push({ name: ".go.buildinfo", type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.WRITE, data: info, align: 16 });
  }
  if (rng.chance(0.5)) sections.push(...symbolSections(m.class === 64, m.le, Array.from({ length: rng.int(40) }, () => ({ name: rng.chance(0.8) ? `${rng.pick(PACKAGES)}.v${rng.int(9)}` : rng.pick(ODD_NAMES), size: rng.range(1, 16) }))));
  if (rng.chance(0.3)) sections.push(...dynamicSections(m.class === 64, m.le, { interp: rng.chance(0.8) ? "/lib64/ld-linux-x86-64.so.2" : undefined, needed: ["libc.so.6", "libpthread.so.0"].slice(0, rng.int(3)), runpath: rng.chance(0.3) ? "$ORIGIN/../lib:/opt/lib" : undefined }));
  const spec: ElfSpec = { class: m.class, littleEndian: m.le, machine: m.machine, type: rng.chance(0.9) ? 2 : 3, sections };
  return writeElf(spec);
}

/** .symtab and .strtab with data symbols in .rodata (section index 2 in goLikeElf and the amplifiers). */
function symbolSections(is64: boolean, le: boolean, symbols: ReadonlyArray<{ name: string; size: number; nameOff?: number }>, strtab?: Uint8Array, rodataIndex = 2): SectionSpec[] {
  const str = new Bytes(false, le).u8(0);
  const offsets = symbols.map((s) => {
    if (s.nameOff !== undefined) return s.nameOff;
    const at = str.length;
    str.raw(cstr(s.name));
    return at;
  });
  // Values inside .rodata, so the size report attributes them; known once .rodata is placed.
  const table = (l: Layout) => {
    const tab = new Bytes(is64, le);
    tab.raw(new Uint8Array(is64 ? 24 : 16));
    let value = BASE + l.offsetOf(".rodata");
    symbols.forEach((s, i) => {
      const nameOff = offsets[i] as number;
      if (is64) tab.u32(nameOff).u8(0x11).u8(0).u16(rodataIndex).u64(value).u64(s.size);
      else tab.u32(nameOff).u32(value).u32(s.size).u8(0x11).u8(0).u16(rodataIndex);
      value += s.size;
    });
    return tab.done();
  };
  return [
    { name: ".symtab", type: SHT.SYMTAB, flags: 0, data: table, link: ".strtab", entsize: is64 ? 24 : 16 },
    { name: ".strtab", type: SHT.STRTAB, flags: 0, data: strtab ?? str.done(), align: 1 },
  ];
}

/** .interp, .dynstr and .dynamic for a loader and libraries; `shared` makes every DT_NEEDED point at one string. */
function dynamicSections(is64: boolean, le: boolean, o: { interp?: string | undefined; needed: readonly string[]; runpath?: string | undefined; shared?: { count: number; string: string } }): SectionSpec[] {
  const str = new Bytes(false, le).u8(0);
  const entries: Array<[number, number]> = [];
  for (const n of o.needed) {
    entries.push([DT.NEEDED, str.length]);
    str.raw(cstr(n));
  }
  if (o.shared) {
    const at = str.length;
    str.raw(cstr(o.shared.string));
    for (let i = 0; i < o.shared.count; i++) entries.push([DT.NEEDED, at]);
  }
  if (o.runpath !== undefined) {
    entries.push([DT.RUNPATH, str.length]);
    str.raw(cstr(o.runpath));
  }
  return [
    ...(o.interp !== undefined ? [{ name: ".interp", type: SHT.PROGBITS, flags: SHF.ALLOC, data: cstr(o.interp), align: 1 }] : []),
    { name: ".dynstr", type: SHT.STRTAB, flags: SHF.ALLOC, data: str.done(), align: 1 },
    { name: ".dynamic", type: SHT.DYNAMIC, flags: SHF.ALLOC | SHF.WRITE, data: dynamicSection(is64, le, entries) },
  ];
}

const text = (n: number): SectionSpec => ({ name: ".text", type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.EXEC, data: new Uint8Array(n), align: 16 });
const rodata = (n: number): SectionSpec => ({ name: ".rodata", type: SHT.PROGBITS, flags: SHF.ALLOC, data: new Uint8Array(n) });
const gopclntab = (data: Uint8Array): SectionSpec => ({ name: ".gopclntab", type: SHT.PROGBITS, flags: SHF.ALLOC, data });
const goBuildinfo = (data: Uint8Array): SectionSpec => ({ name: ".go.buildinfo", type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.WRITE, data, align: 16 });
const amd64 = (sections: SectionSpec[]): Uint8Array => writeElf({ class: 64, littleEndian: true, machine: 62, sections });

/** The readers' worst cases, each a small file that asks for gigabytes of strings or quadratic work. */
export const AMPLIFIERS: Readonly<Record<string, (rng: Rng) => Uint8Array>> = {
  // 10,000–30,000 DT_NEEDED entries sharing one string of 20–100 KB.
  "needed-amplifier": (rng) => {
    const shared = { count: rng.range(10_000, 30_000), string: "l".repeat(rng.range(20_000, 100_000)) };
    return amd64([text(16), ...dynamicSections(true, true, { interp: "/lib64/ld-linux-x86-64.so.2", needed: [], shared })]);
  },
  // A symbol table whose 20,000–50,000 entries all name one 20–100 KB string.
  "symtab-amplifier": (rng) => {
    const huge = `${"p/".repeat(rng.range(10_000, 50_000))}pkg.v`;
    const count = rng.range(20_000, 50_000);
    const symbols = Array.from({ length: count }, () => ({ name: "", size: 1, nameOff: 1 }));
    const pcln = pclntab({ le: true, ptrSize: 8, names: cstr("main.main"), funcs: [{ nameOff: 0, size: 1 }] });
    return amd64([text(16), rodata(count), gopclntab(pcln), ...symbolSections(true, true, symbols, Uint8Array.from([0, ...cstr(huge)]), 2)]);
  },
  // 10,000–30,000 functions named by one huge package path.
  "pclntab-names": (rng) => {
    const count = rng.range(10_000, 30_000);
    const names = cstr(`${"a/".repeat(rng.range(10_000, 50_000))}pkg.F`);
    return amd64([text(count), rodata(16), gopclntab(pclntab({ le: true, ptrSize: 8, names, funcs: Array.from({ length: count }, () => ({ nameOff: 0, size: 1 })) }))]);
  },
  // 50,000–150,000 packages of one module: the tree groups them.
  "many-packages": (rng) => {
    const count = rng.range(50_000, 150_000);
    const names = new Bytes(false, true);
    const funcs: PclnFunc[] = [];
    for (let i = 0; i < count; i++) {
      funcs.push({ nameOff: names.length, size: 1 });
      names.raw(cstr(`example.com/big/p${i}.F`));
    }
    const info = buildInfo({ le: true, ptrSize: 8, version: "go1.24.3", modinfo: modinfo({ path: "example.com/app", main: "example.com/app", deps: [{ path: "example.com/big", version: "v1.0.0" }], settings: [] }) });
    return amd64([text(count), rodata(16), gopclntab(pclntab({ le: true, ptrSize: 8, names: names.done(), funcs })), goBuildinfo(info)]);
  },
  // Build info with 50,000–200,000 dependency lines, or one huge setting.
  "modinfo-amplifier": (rng) => {
    const n = rng.range(50_000, 200_000);
    const deps = Array.from({ length: n }, (_, i) => ({ path: `example.com/d${i}`, version: "v1.0.0", ...(i % 3 === 0 ? { replace: `../d${i}` } : {}) }));
    const settings: Array<[string, string]> = rng.chance(0.5) ? [["-ldflags", `"${"\\x41".repeat(n)}"`]] : [];
    const info = buildInfo({ le: true, ptrSize: 8, version: "go1.24.3", modinfo: modinfo({ path: "example.com/app", main: "example.com/app", deps: rng.chance(0.5) ? deps : [], settings }) });
    return amd64([text(16), goBuildinfo(info)]);
  },
  // No .go.buildinfo section, and a data segment full of the magic: every match is tried.
  "buildinfo-magic": (rng) => {
    const magic = Uint8Array.from([0xff, ...enc.encode(" Go buildinf:"), 8, 2]);
    const n = rng.range(10_000, 100_000);
    const data = new Uint8Array(n * 16 + 64);
    for (let i = 0; i < n; i++) data.set(magic, i * 16);
    return amd64([text(16), { name: ".data", type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.WRITE, data, align: 16 }]);
  },
  // A run path of 100,000–500,000 directories.
  "runpath-amplifier": (rng) => {
    const runpath = Array.from({ length: rng.range(100_000, 500_000) }, (_, i) => (i % 2 ? "" : "/l")).join(":");
    return amd64([text(16), ...dynamicSections(true, true, { interp: "/lib/ld.so", needed: ["libc.so.6"], runpath })]);
  },
};

/** Many section or program headers, and counts at their limits. */
export function manyHeaders(rng: Rng): Uint8Array {
  const n = rng.range(1000, 65000);
  const sections: SectionSpec[] = [{ name: ".text", type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.EXEC, data: new Uint8Array(16) }];
  for (let i = 0; i < n; i++) sections.push({ name: `.s${i % 7}`, type: SHT.PROGBITS, flags: SHF.ALLOC, data: new Uint8Array(0), align: 1 });
  return writeElf({ class: 64, littleEndian: true, machine: 62, sections });
}

/**
 * Offsets of the header fields the readers trust: the ELF header, each
 * program and section header, and the dynamic entries. Lenient: it reads
 * what it can of a damaged file and lists at most a few hundred fields.
 */
export function elfFields(b: Uint8Array): Field[] {
  if (b.length < 52 || b[0] !== 0x7f || b[1] !== 0x45) return [];
  const is64 = b[4] === 2;
  const le = b[5] !== 2;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const W = (is64 ? 8 : 4) as 4 | 8;
  const f = (offset: number, width: 1 | 2 | 4 | 8): Field => ({ offset, width, littleEndian: le });
  const rd = (at: number, width: 2 | 4 | 8): number => {
    if (at + width > b.length) return 0;
    if (width === 2) return view.getUint16(at, le);
    if (width === 4) return view.getUint32(at, le);
    return Number(view.getBigUint64(at, le) & 0xffffffffn);
  };
  const out: Field[] = [f(4, 1), f(5, 1), f(16, 2), f(18, 2)];
  const phoff = rd(is64 ? 32 : 28, W);
  const shoff = rd(is64 ? 40 : 32, W);
  const [phentsize, phnum, shentsize, shnum, shstrndx] = is64 ? [54, 56, 58, 60, 62] : [42, 44, 46, 48, 50];
  out.push(f(is64 ? 32 : 28, W), f(is64 ? 40 : 32, W), f(phentsize, 2), f(phnum, 2), f(shentsize, 2), f(shnum, 2), f(shstrndx, 2));
  const phn = Math.min(rd(phnum, 2), 32);
  const phe = rd(phentsize, 2) || (is64 ? 56 : 32);
  for (let i = 0; i < phn; i++) {
    const p = phoff + i * phe;
    if (p + phe > b.length) break;
    out.push(f(p, 4), ...(is64 ? [f(p + 4, 4), f(p + 8, 8), f(p + 16, 8), f(p + 32, 8), f(p + 40, 8)] : [f(p + 4, 4), f(p + 8, 4), f(p + 16, 4), f(p + 20, 4)]));
    if (rd(p, 4) === 2) {
      const off = rd(p + (is64 ? 8 : 4), W);
      for (let k = 0; k < 16 && off + (k + 1) * 2 * W <= b.length; k++) out.push(f(off + k * 2 * W, W), f(off + k * 2 * W + W, W));
    }
  }
  const shn = Math.min(rd(shnum, 2), 64);
  const she = rd(shentsize, 2) || (is64 ? 64 : 40);
  for (let i = 0; i < shn; i++) {
    const p = shoff + i * she;
    if (p + she > b.length) break;
    out.push(f(p, 4), f(p + 4, 4), ...(is64 ? [f(p + 8, 8), f(p + 16, 8), f(p + 24, 8), f(p + 32, 8), f(p + 40, 4)] : [f(p + 8, 4), f(p + 12, 4), f(p + 16, 4), f(p + 20, 4), f(p + 24, 4)]));
  }
  return out;
}
