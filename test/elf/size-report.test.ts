/** sizeReport on real Go binaries: the exact sum, per-module code against `go tool nm`, stripped against unstripped, cobra found. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { NO_PACKAGE, formatSizeReport, isMeasured, readElf, sizeReport, topContributors, type SizeReport } from "../../src/elf/index.js";
import { type SizeBinary, buildSizeBinaries, goNm } from "./size-fixtures.js";

let bins: Map<string, SizeBinary>;
let dispose: (() => void) | undefined;
const reports = new Map<string, SizeReport>();

before(async () => {
  ({ bins, dispose } = await buildSizeBinaries());
  for (const [name, b] of bins) reports.set(name, sizeReport(b.bytes));
});

after(() => dispose?.());

const bin = (name: string): SizeBinary => bins.get(name) ?? assert.fail(`binary ${name} was not built`);
const report = (name: string): SizeReport => reports.get(name) ?? assert.fail(`no report for ${name}`);
const sum = (xs: readonly { bytes: number }[]): number => xs.reduce((n, x) => n + x.bytes, 0);

test("every binary: modules + unattributed = the measured sections, exactly; the rest is unmeasured", () => {
  assert.equal(bins.size, 10);
  for (const [name, b] of bins) {
    const r = report(name);
    const measured = readElf(b.bytes).sections.filter(isMeasured);
    assert.equal(r.measuredBytes, sum(measured.map((s) => ({ bytes: s.size }))), name);
    assert.equal(sum(r.modules) + r.unattributed.bytes, r.measuredBytes, name);
    assert.equal(sum(r.packages), sum(r.modules), name);
    assert.equal(sum(r.unattributed.parts), r.unattributed.bytes, name);
    assert.equal(r.unmeasured.bytes, b.bytes.length - r.measuredBytes, name);
    assert.equal(r.totalBytes, b.bytes.length, name);
    for (const p of r.packages) assert.equal(p.bytes, p.code + p.tables + p.data, `${name} ${p.path}`);
    // Code, read-only data and the function table are always measured, whatever the arch.
    for (const s of [".text", ".rodata", ".gopclntab", ".typelink", ".itablink"]) {
      assert.equal(r.sections.find((x) => x.name === s)?.measured, true, `${name}: ${s}`);
    }
    assert.equal(r.sections.find((x) => x.name === ".data")?.measured, false, `${name}: .data`);
    assert.equal(r.symbols, !b.stripped, name);
  }
});

test("modules and packages are sorted by bytes, then path", () => {
  for (const [name, r] of reports) {
    for (const list of [r.modules, r.packages]) {
      for (let i = 1; i < list.length; i++) {
        const [a, b] = [list[i - 1], list[i]] as [(typeof list)[number], (typeof list)[number]];
        assert.ok(a.bytes > b.bytes || (a.bytes === b.bytes && a.path < b.path), `${name}: ${a.path} before ${b.path}`);
      }
    }
  }
});

/**
 * The oracle: T/t symbols of `go tool nm` on the unstripped twin, grouped by
 * the module their name starts with, each sized from its address to the next
 * text symbol's (so alignment padding counts, as it does in the function
 * table). Everything not in a listed module is "std" here, C included.
 */
function nmCodeByModule(path: string, modules: readonly string[], mainModule: string): Map<string, { span: number; size: number }> {
  const text = goNm(path).filter((s) => s.type === "T" || s.type === "t");
  const out = new Map<string, { span: number; size: number }>();
  text.forEach((s, i) => {
    const next = text.slice(i + 1).find((n) => n.addr > s.addr);
    const span = next ? next.addr - s.addr : s.size;
    // Equality functions belong to their type's package, as in the report.
    const name = s.name.replace(/^type:\.eq\.[[\]\d*]*/, "");
    const mod = name.startsWith("main.") ? mainModule : (modules.find((m) => name.startsWith(`${m}.`) || name.startsWith(`${m}/`)) ?? "std");
    const t = out.get(mod) ?? { span: 0, size: 0 };
    t.span += span;
    t.size += s.size;
    out.set(mod, t);
  });
  return out;
}

test("per-module code is within 5% of go tool nm's T/t symbols on the unstripped twin (amd64, arm64, cgo)", () => {
  for (const name of ["small", "small-arm64", "cobra", "cobra-arm64", "cgo"]) {
    const r = report(name);
    const mods = r.modules.map((m) => m.path).filter((m) => m !== "std" && m !== NO_PACKAGE && m !== r.mainModule);
    const nm = nmCodeByModule(bin(name).path, mods, r.mainModule ?? "");
    const ours = new Map<string, number>();
    for (const p of r.packages) {
      const mod = p.module === NO_PACKAGE ? "std" : p.module;
      ours.set(mod, (ours.get(mod) ?? 0) + p.code);
    }
    for (const [mod, want] of nm) {
      const got = ours.get(mod) ?? 0;
      assert.ok(Math.abs(got - want.span) <= 0.05 * want.span, `${name} ${mod}: ${got} code bytes, nm spans ${want.span}`);
    }
    // Symbol sizes leave out the padding between functions, so in all they can only be smaller.
    const code = [...ours.values()].reduce((n, b) => n + b, 0);
    const sizes = [...nm.values()].reduce((n, b) => n + b.size, 0);
    assert.ok(code >= sizes && code <= 1.1 * sizes, `${name}: ${code} code bytes, nm sizes ${sizes}`);
    assert.deepEqual([...ours.keys()].filter((m) => (ours.get(m) ?? 0) > 0).sort(), [...nm.keys()].sort(), name);
  }
});

test("stripping changes no code or function-table figure, only read-only data symbols", () => {
  for (const name of ["small", "small-arm64", "cobra", "cobra-arm64", "cgo"]) {
    const full = report(name);
    const stripped = report(`${name}-stripped`);
    // Packages with only data symbols (generic dictionaries of cmp, say) vanish with the symbols.
    const view = (r: SizeReport) => r.packages.filter((p) => p.code + p.tables > 0).map((p) => [p.path, p.module, p.code, p.tables]).sort();
    assert.deepEqual(view(stripped), view(full), name);
    assert.ok(stripped.packages.every((p) => p.data === 0), name);
    assert.ok(full.packages.some((p) => p.data > 0), name);
  }
});

test("the cobra program names cobra and pflag with their versions; the small one only its replaced local module", () => {
  for (const name of ["cobra", "cobra-stripped", "cobra-arm64-stripped"]) {
    const r = report(name);
    assert.equal(r.mainModule, "example.com/onecall");
    const top = topContributors(r, 5);
    assert.deepEqual(
      top.map((c) => [c.module, c.version, c.largestPackage]),
      [
        ["github.com/spf13/pflag", "v1.0.5", "github.com/spf13/pflag"],
        ["github.com/spf13/cobra", "v1.8.1", "github.com/spf13/cobra"],
      ],
      name,
    );
    assert.ok(top.every((c) => c.bytes > 50_000), `${name}: ${JSON.stringify(top)}`);
    const main = r.packages.find((p) => p.path === "example.com/onecall");
    assert.equal(main?.module, "example.com/onecall", name);
  }
  const small = report("small");
  // A replaced module shows its replacement, here a local directory.
  assert.deepEqual(topContributors(small, 5).map((c) => [c.module, c.version]), [["example.com/lib", "=> ../lib"]]);
  assert.equal(small.packages.find((p) => p.path === "example.com/lib")?.module, "example.com/lib");
  assert.ok(report("cobra").measuredBytes > 2 * small.measuredBytes);
});

test("cgo: the C the runtime links in is reported without a package, not as std", () => {
  const r = report("cgo-stripped");
  const c = r.modules.find((m) => m.path === NO_PACKAGE);
  assert.ok(c && c.bytes > 1000, JSON.stringify(c));
  assert.equal(r.packages.find((p) => p.path === "runtime/cgo")?.module, "std");
});

test("the report and its text are deterministic", () => {
  const b = bin("cobra-stripped").bytes;
  assert.deepEqual(sizeReport(b), report("cobra-stripped"));
  const r = report("cobra");
  for (const opts of [{}, { tree: true }, { tree: true, colour: true, top: 3 }]) assert.equal(formatSizeReport(r, opts), formatSizeReport(sizeReport(bin("cobra").bytes), opts));
  const text = formatSizeReport(r, { top: 3 });
  assert.match(text, /^example\.com\/onecall \(amd64, go1\.\d+[.\d]*, with symbols\): [\d.]+ MiB, of which code and read-only data [\d.]+ MiB\n/);
  assert.match(text, /\ngithub\.com\/spf13\/pflag +v1\.0\.5 +\d+ +\d+\.\d%\n/);
  assert.match(text, /\n\(\d+ more\) +\d+ +\d+\.\d%\n\(unattributed\)/);
  const tree = formatSizeReport(r, { tree: true, top: 3 });
  assert.match(tree, /\n├─ +[\d.]+ KiB +\d+\.\d%  github\.com\/spf13\/cobra v1\.8\.1\n/);
  assert.match(tree, /\n└─ +[\d.]+ [KM]iB +\d+\.\d%  \(not measured: writable data, symbols, debug info, headers\)\n$/);
  assert.doesNotMatch(formatSizeReport(r, { tree: true }), /\x1b/);
});
