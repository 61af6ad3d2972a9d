/** readElf and readGoBuildInfo on real Go and C binaries built here, cross-checked with `go version -m -json` and readelf. */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, test } from "node:test";
import { DF_1_PIE, checkBinary, readElf, readGoBuildInfo, type GoBuildInfo } from "../../src/elf/index.js";
import { GO, GO_ENV, type Built, gccBuild, gccFile, goBuildAll, goVersion, hasTool, writeSources } from "./go-fixtures.js";

const LOADER = "/lib64/ld-linux-x86-64.so.2";
const STATIC_LIBC = gccFile("libc.a");
const STATIC_PIE_START = gccFile("rcrt1.o");

let sources: ReturnType<typeof writeSources>;
const bin = new Map<string, Built>();
const get = (name: string): Built => bin.get(name) ?? assert.fail(`binary ${name} was not built`);

before(async () => {
  sources = writeSources();
  const off = { CGO_ENABLED: "0", GOARCH: "amd64" };
  const built = await goBuildAll(sources.dir, {
    static: { module: "app", env: off, args: ["-trimpath", "-tags", "netgo,osusergo"] },
    stripped: { module: "app", env: off, args: ["-ldflags", "-s -w"] },
    pie: { module: "app", env: off, args: ["-buildmode=pie"] },
    arm64: { module: "app", env: { CGO_ENABLED: "0", GOARCH: "arm64" } },
    armv7: { module: "app", env: { CGO_ENABLED: "0", GOARCH: "arm", GOARM: "7" } },
    "386": { module: "app", env: { CGO_ENABLED: "0", GOARCH: "386" } },
    s390x: { module: "app", env: { CGO_ENABLED: "0", GOARCH: "s390x" } },
    cgo: { module: "cgo", env: { CGO_ENABLED: "1", GOARCH: "amd64" } },
    ...(STATIC_LIBC
      ? { "cgo-static": { module: "cgo", env: { CGO_ENABLED: "1", GOARCH: "amd64" }, args: ["-ldflags", "-linkmode external -extldflags -static"] } as const }
      : {}),
  });
  for (const [k, v] of built) bin.set(k, v);
  bin.set("c", await gccBuild(sources.dir, "c", []));
  if (STATIC_PIE_START) bin.set("c-static-pie", await gccBuild(sources.dir, "c-static-pie", ["-static-pie"]));
});

after(() => sources?.dispose());

/** What `go version -m -json` says, in readGoBuildInfo's shape. */
function oracle(path: string): GoBuildInfo {
  interface Mod {
    Path: string;
    Version?: string;
    Sum?: string;
    Replace?: Mod;
  }
  const j = JSON.parse(execFileSync(GO, ["version", "-m", "-json", path], { encoding: "utf8", env: { ...process.env, ...GO_ENV } })) as {
    GoVersion: string;
    Path: string;
    Main?: Mod;
    Deps?: Mod[];
    Settings?: Array<{ Key: string; Value?: string }>;
  };
  const mod = (m: Mod): GoBuildInfo["deps"][number] => ({
    path: m.Path,
    version: m.Version ?? "",
    sum: m.Sum ?? "",
    ...(m.Replace ? { replace: mod(m.Replace) } : {}),
  });
  return {
    goVersion: j.GoVersion,
    path: j.Path,
    main: j.Main ? mod(j.Main) : undefined,
    deps: (j.Deps ?? []).map(mod),
    settings: Object.fromEntries((j.Settings ?? []).map((s) => [s.Key, s.Value ?? ""])),
  };
}

function readelfNeeded(path: string): string[] {
  const out = execFileSync("readelf", ["-dW", path], { encoding: "utf8" });
  return [...out.matchAll(/\(NEEDED\)\s+Shared library: \[(.+)\]/g)].map((m) => m[1] ?? "");
}

test("CGO_ENABLED=0 with -trimpath and -tags: static amd64, build info as go version -m shows it", () => {
  const { path, bytes } = get("static");
  const elf = readElf(bytes);
  assert.deepEqual(
    [elf.class, elf.littleEndian, elf.machine, elf.arch, elf.type, elf.interpreter, elf.needed, elf.dynamic, elf.isStatic, elf.staticPie],
    [64, true, 62, "amd64", "EXEC", undefined, [], undefined, true, false],
  );
  const info = readGoBuildInfo(bytes, elf);
  assert.deepEqual(info, oracle(path));
  assert.equal(info?.goVersion, goVersion());
  assert.equal(info?.path, "example.com/app");
  assert.deepEqual(info?.main, { path: "example.com/app", version: "(devel)", sum: "" });
  assert.deepEqual(info?.deps, [{ path: "example.com/lib", version: "v0.0.0", sum: "", replace: { path: "../lib", version: "(devel)", sum: "" } }]);
  const s = info?.settings ?? {};
  assert.deepEqual([s["CGO_ENABLED"], s["-trimpath"], s["-tags"], s["GOARCH"], s["GOOS"], s["GOAMD64"]], ["0", "true", "netgo,osusergo", "amd64", "linux", "v1"]);
  assert.deepEqual(checkBinary(elf, { arch: "amd64", static: true }, info), []);
});

test("-s -w drops .symtab but keeps build info; with no section headers at all it is found by scanning", () => {
  const { path, bytes } = get("stripped");
  const elf = readElf(bytes);
  assert.equal(elf.sections.some((s) => s.name === ".symtab"), false);
  assert.equal(elf.sections.some((s) => s.name === ".go.buildinfo"), true);
  const expected = oracle(path);
  assert.equal(expected.settings["-ldflags"], "-s -w");
  assert.deepEqual(readGoBuildInfo(bytes, elf), expected);

  // What sstrip does: no section header table.
  const sstripped = Uint8Array.from(bytes);
  const view = new DataView(sstripped.buffer);
  view.setBigUint64(40, 0n, true);
  view.setUint16(60, 0, true);
  view.setUint16(62, 0, true);
  const bare = readElf(sstripped);
  assert.deepEqual([bare.sections.length, bare.isStatic, bare.arch], [0, true, "amd64"]);
  assert.deepEqual(readGoBuildInfo(sstripped, bare), expected);
  assert.deepEqual(readGoBuildInfo(sstripped), expected);
});

test("cross-compiled arm64, arm (GOARM=7), 386 and big-endian s390x", () => {
  const cases: Array<[string, string, number, 32 | 64, boolean]> = [
    ["arm64", "arm64", 183, 64, true],
    ["armv7", "arm", 40, 32, true],
    ["386", "386", 3, 32, true],
    ["s390x", "s390x", 22, 64, false],
  ];
  for (const [name, arch, machine, klass, little] of cases) {
    const { path, bytes } = get(name);
    const elf = readElf(bytes);
    assert.deepEqual([elf.arch, elf.machine, elf.class, elf.littleEndian, elf.type, elf.isStatic], [arch, machine, klass, little, "EXEC", true], name);
    const info = readGoBuildInfo(bytes, elf);
    assert.deepEqual(info, oracle(path), name);
    assert.equal(info?.settings["GOARCH"], arch, name);
  }
  const arm = get("armv7").bytes;
  const armInfo = readGoBuildInfo(arm);
  assert.equal(armInfo?.settings["GOARM"], "7");
  assert.deepEqual(checkBinary(readElf(arm), { arch: "arm", variant: "v7", static: true }, armInfo), []);
  assert.deepEqual(checkBinary(readElf(arm), { arch: "arm", variant: "v6", static: true }, armInfo), [
    "binary is built with GOARM=7 and needs a newer CPU but the target platform is linux/arm/v6: build with GOARM matching the platform variant (linux/arm/v6 → GOARM=6)",
  ]);
  assert.deepEqual(checkBinary(readElf(get("arm64").bytes), { arch: "amd64", static: true }), ["binary is for arm64 but the target platform is linux/amd64"]);
});

test("-buildmode=pie with cgo off still needs the loader, and the verdict says why", () => {
  const { path, bytes } = get("pie");
  const elf = readElf(bytes);
  assert.deepEqual([elf.type, elf.interpreter, elf.needed, elf.isStatic, elf.staticPie], ["DYN", LOADER, [], false, false]);
  assert.equal((elf.dynamic?.flags1 ?? 0) & DF_1_PIE, DF_1_PIE);
  const info = readGoBuildInfo(bytes, elf);
  assert.deepEqual(info, oracle(path));
  assert.deepEqual(checkBinary(elf, { arch: "amd64", static: true }, info), [
    `binary needs ${LOADER} (-buildmode=pie links against the loader even with cgo off): build with the default -buildmode=exe, which gives a static binary`,
  ]);
});

test("a cgo binary needs the loader and libc, and the verdict says how to fix it", () => {
  const { path, bytes } = get("cgo");
  const elf = readElf(bytes);
  assert.deepEqual([elf.interpreter, elf.needed, elf.isStatic], [LOADER, ["libc.so.6"], false]);
  if (hasTool("readelf")) assert.deepEqual(elf.needed, readelfNeeded(path));
  const info = readGoBuildInfo(bytes, elf);
  assert.deepEqual(info, oracle(path));
  assert.equal(info?.settings["CGO_ENABLED"], "1");
  const message = `binary needs ${LOADER} (cgo is on): set \`cgo: false\`, or keep cgo with \`link: dynamic\`, which ships the loader and libraries`;
  assert.deepEqual(checkBinary(elf, { arch: "amd64", static: true }, info), [message]);
  assert.deepEqual(checkBinary(elf, { arch: "amd64", static: true }), [message]);
  assert.deepEqual(checkBinary(elf, { arch: "amd64", static: false }, info), []);
});

test("cgo linked with -linkmode external -extldflags -static is static", (t) => {
  if (!STATIC_LIBC) return t.skip("gcc finds no libc.a: install libc6-dev's static libraries");
  const { path, bytes } = get("cgo-static");
  const elf = readElf(bytes);
  assert.deepEqual([elf.type, elf.interpreter, elf.needed, elf.isStatic], ["EXEC", undefined, [], true]);
  const info = readGoBuildInfo(bytes, elf);
  assert.deepEqual(info, oracle(path));
  assert.deepEqual([info?.settings["CGO_ENABLED"], info?.settings["-ldflags"]], ["1", "-linkmode external -extldflags -static"]);
  assert.deepEqual(checkBinary(elf, { arch: "amd64", static: true }, info), []);
});

test("a C program from gcc: DT_NEEDED and interpreter as readelf shows them, no Go build info", () => {
  const { path, bytes } = get("c");
  const elf = readElf(bytes);
  assert.deepEqual([elf.type, elf.interpreter, elf.needed, elf.isStatic], ["DYN", LOADER, ["libc.so.6"], false]);
  if (hasTool("readelf")) {
    assert.deepEqual(elf.needed, readelfNeeded(path));
    const interp = /Requesting program interpreter: (.+)\]/.exec(execFileSync("readelf", ["-lW", path], { encoding: "utf8" }))?.[1];
    assert.equal(elf.interpreter, interp);
  }
  assert.equal(readGoBuildInfo(bytes, elf), undefined);
  assert.equal(readGoBuildInfo(bytes), undefined);
});

test("gcc -static-pie: a PT_DYNAMIC but no loader and no libraries", (t) => {
  if (!STATIC_PIE_START) return t.skip("gcc finds no rcrt1.o: glibc without static-pie support");
  const { path, bytes } = get("c-static-pie");
  const elf = readElf(bytes);
  assert.deepEqual([elf.type, elf.interpreter, elf.needed, elf.isStatic, elf.staticPie], ["DYN", undefined, [], true, true]);
  if (hasTool("file")) assert.match(execFileSync("file", ["-b", path], { encoding: "utf8" }), /static-pie linked/);
  assert.deepEqual(checkBinary(elf, { arch: "amd64", static: true }), []);
});
