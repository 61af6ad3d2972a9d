/**
 * Bytes per Go package and module in a binary, from the function table, the
 * symbol table when present and the build info: no external tools.
 */
import { ElfError } from "./elf-error.js";
import { readGoBuildInfo } from "./go-build-info.js";
import { type ModuleRef, STD, moduleResolver } from "./module-map.js";
import { readPclntab } from "./pclntab.js";
import { readElf } from "./read-elf.js";
import { ByteReader } from "./reader.js";
import type { ElfSection } from "./section-headers.js";
import { symbolPackage } from "./symbol-package.js";
import { readSymbols } from "./symtab.js";

export interface SizeSection {
  readonly name: string;
  readonly bytes: number;
  /** Counted in measuredBytes: code and read-only data (see isMeasured). */
  readonly measured: boolean;
}

export interface SizeModule {
  /** Module path; "std" for the standard library, "unknown" when the build info names no module for a package, NO_PACKAGE for C and bare assembly. */
  readonly path: string;
  readonly version?: string;
  readonly bytes: number;
  /** bytes / totalBytes. */
  readonly share: number;
  readonly packages: number;
}

export interface SizePackage {
  readonly path: string;
  readonly module: string;
  readonly bytes: number;
  readonly share: number;
  /** Machine code of its functions, padding to the next function included. */
  readonly code: number;
  /** Function-table bytes of its functions: names, records, table slots. */
  readonly tables: number;
  /** Read-only data symbols named after it (unstripped binaries only). */
  readonly data: number;
}

export interface SizePart {
  readonly what: UnattributedPart;
  readonly bytes: number;
}

export type UnattributedPart = "pclntab" | "read-only data" | "typelinks" | "text outside Go functions" | "ELF and loader";

export interface SizeReport {
  readonly arch: string;
  readonly goVersion: string | undefined;
  /** Main module path, or the main package's path when the binary was built outside a module. */
  readonly mainModule: string | undefined;
  /** The file's size. */
  readonly totalBytes: number;
  /** Size of the measured sections: modules + unattributed add up to exactly this. */
  readonly measuredBytes: number;
  /** True when there was a symbol table to attribute read-only data with. */
  readonly symbols: boolean;
  readonly sections: readonly SizeSection[];
  readonly modules: readonly SizeModule[];
  readonly packages: readonly SizePackage[];
  readonly unattributed: { readonly bytes: number; readonly share: number; readonly parts: readonly SizePart[] };
  /** totalBytes − measuredBytes: writable data, symbols, debug info, headers and alignment. */
  readonly unmeasured: { readonly bytes: number; readonly share: number };
}

const SHF_WRITE = 0x1;
const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;

/**
 * Measured: sections loaded into memory that the program never writes — code
 * and read-only data. PIE and external linking put read-only data that needs
 * relocation in .data.rel.ro*, so those count too.
 */
export function isMeasured(s: ElfSection): boolean {
  if (s.nobits || s.size === 0 || !(s.flags & SHF_ALLOC)) return false;
  return !(s.flags & SHF_WRITE) || s.name === ".data.rel.ro" || s.name.startsWith(".data.rel.ro.");
}

/** Which unattributed part a measured section's leftover bytes belong to. */
function partOf(s: ElfSection): UnattributedPart {
  if (s.flags & SHF_EXECINSTR) return "text outside Go functions";
  if (s.name === ".gopclntab") return "pclntab";
  if (/typelink|itablink/.test(s.name)) return "typelinks";
  if (s.name === ".rodata" || s.name === ".noptrrodata" || s.name.startsWith(".data.rel.ro")) return "read-only data";
  return "ELF and loader";
}

/** Runtime symbols that are tables the linker builds for the whole program, not the runtime's own data. */
const LINKER_TABLES = new Set(["runtime.findfunctab", "runtime.typelink", "runtime.itablink", "runtime.gcdata", "runtime.gcbss", "runtime.pclntab", "runtime.modinfo.str"]);

/**
 * Functions whose names carry no package: C linked in by cgo (x_cgo_init, a
 * package's own C functions) and the runtime's bare assembly (memeqbody, _rt0_*).
 */
export const NO_PACKAGE = "(C and assembly)";

/** Packages attributed: a large Go binary has a few thousand. */
export const MAX_PACKAGES = 100_000;

interface Tally {
  code: number;
  tables: number;
  data: number;
}

/** Attribute the measured bytes of a Go ELF binary to packages and modules. Throws ElfError for anything else. */
export function sizeReport(bytes: Uint8Array): SizeReport {
  const elf = readElf(bytes);
  if (elf.sections.length === 0) throw new ElfError("no section headers: size attribution needs them (was the binary packed or sstripped?)");
  const pclnIndex = elf.sections.findIndex((s) => s.name === ".gopclntab" && !s.nobits);
  const pcln = elf.sections[pclnIndex];
  if (pcln === undefined) throw new ElfError("not a Go binary: it has no .gopclntab section");
  const tab = readPclntab(bytes.subarray(pcln.offset, pcln.offset + pcln.size), elf.littleEndian);
  const info = readGoBuildInfo(bytes, elf);
  const resolve = moduleResolver(info);

  const tallies = new Map<string, Tally>();
  const tally = (pkg: string): Tally => {
    let t = tallies.get(pkg);
    if (t === undefined) {
      if (tallies.size === MAX_PACKAGES) throw new ElfError(`corrupt Go binary: its functions and symbols name more than ${MAX_PACKAGES} packages, the limit`);
      tallies.set(pkg, (t = { code: 0, tables: 0, data: 0 }));
    }
    return t;
  };
  let code = 0;
  let tables = 0;
  for (const f of tab.funcs) {
    const t = tally(symbolPackage(f.name) ?? NO_PACKAGE);
    t.code += f.size;
    t.tables += f.metaBytes;
    code += f.size;
    tables += f.metaBytes;
  }

  const measured = elf.sections.map((s, i) => ({ s, i })).filter(({ s }) => isMeasured(s));
  const leftover = new Map(measured.map(({ s, i }) => [i, s.size]));
  const text = measured.filter(({ s }) => s.flags & SHF_EXECINSTR);
  const textBytes = text.reduce((n, { s }) => n + s.size, 0);
  if (code > textBytes) throw new ElfError(`corrupt Go function table: its functions span ${code} bytes but the executable sections hold ${textBytes}`);
  if (tables > pcln.size) throw new ElfError(`corrupt Go function table: its function records claim ${tables} bytes of a ${pcln.size}-byte .gopclntab`);
  // Code lies in the executable sections; which one does not matter for the totals, so take it from the largest first.
  let codeLeft = code;
  for (const { s, i } of [...text].sort((a, b) => b.s.size - a.s.size)) {
    const take = Math.min(codeLeft, s.size);
    leftover.set(i, s.size - take);
    codeLeft -= take;
  }
  leftover.set(pclnIndex, pcln.size - tables);

  // Data symbols in read-only sections other than code and the function table, each byte counted once.
  const dataSections = new Set(measured.filter(({ s, i }) => !(s.flags & SHF_EXECINSTR) && i !== pclnIndex).map(({ i }) => i));
  const symbols = readSymbols(new ByteReader(bytes, elf.littleEndian, elf.class === 64), elf.sections, dataSections);
  symbols.sort((a, b) => a.value - b.value || b.size - a.size);
  let covered = 0;
  for (const sym of symbols) {
    const sec = elf.sections[sym.section] as ElfSection;
    const start = Math.max(sym.value, covered, sec.addr);
    const end = Math.min(sym.value + sym.size, sec.addr + sec.size);
    if (end <= start) continue;
    covered = end;
    const pkg = LINKER_TABLES.has(sym.name) ? undefined : symbolPackage(sym.name);
    if (pkg === undefined) continue;
    tally(pkg).data += end - start;
    leftover.set(sym.section, (leftover.get(sym.section) ?? 0) - (end - start));
  }

  const total = bytes.length;
  const share = (n: number): number => (total === 0 ? 0 : Math.round((n / total) * 1e4) / 1e4);
  const mainPath = info?.path || undefined;
  const packages: SizePackage[] = [...tallies].map(([pkg, t]) => {
    const path = pkg === "main" && mainPath ? mainPath : pkg;
    const b = t.code + t.tables + t.data;
    return { path, module: pkg === NO_PACKAGE ? NO_PACKAGE : resolve(pkg).path, bytes: b, share: share(b), code: t.code, tables: t.tables, data: t.data };
  });
  sortBySize(packages);

  const mods = new Map<string, { ref: ModuleRef; bytes: number; packages: number }>();
  for (const p of packages) {
    const ref = p.path === NO_PACKAGE ? { path: NO_PACKAGE } : resolve(p.path === mainPath ? "main" : p.path);
    const m = mods.get(ref.path) ?? { ref, bytes: 0, packages: 0 };
    m.bytes += p.bytes;
    m.packages += 1;
    mods.set(ref.path, m);
  }
  const modules: SizeModule[] = [...mods.values()].map(({ ref, bytes: b, packages: n }) => ({
    path: ref.path,
    ...(ref.version ? { version: ref.version } : {}),
    bytes: b,
    share: share(b),
    packages: n,
  }));
  sortBySize(modules);

  const parts = new Map<UnattributedPart, number>();
  for (const { s, i } of measured) parts.set(partOf(s), (parts.get(partOf(s)) ?? 0) + (leftover.get(i) ?? 0));
  const partList = [...parts].map(([what, b]) => ({ what, bytes: b })).filter((p) => p.bytes > 0);
  partList.sort((a, b) => b.bytes - a.bytes || (a.what < b.what ? -1 : 1));
  const unattributed = partList.reduce((n, p) => n + p.bytes, 0);
  const measuredBytes = measured.reduce((n, { s }) => n + s.size, 0);

  return {
    arch: elf.arch,
    goVersion: info?.goVersion,
    mainModule: info?.main?.path || mainPath,
    totalBytes: total,
    measuredBytes,
    symbols: symbols.length > 0,
    sections: elf.sections.filter((s) => !s.nobits && s.size > 0).map((s) => ({ name: s.name, bytes: s.size, measured: isMeasured(s) })),
    modules,
    packages,
    unattributed: { bytes: unattributed, share: share(unattributed), parts: partList },
    unmeasured: { bytes: total - measuredBytes, share: share(total - measuredBytes) },
  };
}

/** Largest first, then by path, so the same binary always gives the same report. */
function sortBySize<T extends { bytes: number; path: string }>(list: T[]): void {
  list.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A third-party module and its largest package, for a one-line "what bloats this" summary. */
export interface Contributor {
  readonly module: string;
  readonly version?: string;
  readonly bytes: number;
  readonly share: number;
  readonly largestPackage: string | undefined;
}

/** The `n` largest modules other than the standard library, the main module and C/assembly without a package. */
export function topContributors(report: SizeReport, n: number): Contributor[] {
  return report.modules
    .filter((m) => m.path !== STD && m.path !== NO_PACKAGE && m.path !== report.mainModule)
    .slice(0, Math.max(0, n))
    .map((m) => ({
      module: m.path,
      ...(m.version ? { version: m.version } : {}),
      bytes: m.bytes,
      share: m.share,
      largestPackage: report.packages.find((p) => p.module === m.path)?.path,
    }));
}
