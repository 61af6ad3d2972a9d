/** ELF and Go build-info reading on real binaries built here, and on broken files. */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ElfError, checkBinary, readElf, readGoBuildInfo } from "../../src/elf/index.js";

let dir: string;
const bin = new Map<string, Uint8Array>();
const goVersion = execFileSync("go", ["env", "GOVERSION"], { encoding: "utf8", env: { ...process.env, GOTOOLCHAIN: "local" } }).trim();

function goBuild(name: string, env: Record<string, string>, args: string[] = []): void {
  const out = join(dir, `bin-${name}`);
  execFileSync("go", ["build", ...args, "-o", out, "."], {
    cwd: join(dir, env["CGO_ENABLED"] === "1" ? "cgo" : "pure"),
    env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "", GOOS: "linux", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  bin.set(name, readFileSync(out));
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "slimgo-elf-"));
  for (const sub of ["pure", "cgo"]) {
    execFileSync("mkdir", ["-p", join(dir, sub)]);
    writeFileSync(join(dir, sub, "go.mod"), `module example.com/${sub}\n\ngo 1.24\n`);
  }
  writeFileSync(join(dir, "pure/main.go"), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("pure") }\n');
  writeFileSync(join(dir, "cgo/main.go"), 'package main\n\n// #include <stdlib.h>\nimport "C"\n\nfunc main() { C.free(C.malloc(1)) }\n');
  writeFileSync(join(dir, "hello.c"), "#include <stdio.h>\nint main(void) { puts(\"c\"); return 0; }\n");
  goBuild("static", { CGO_ENABLED: "0", GOARCH: "amd64" }, ["-trimpath", "-tags", "netgo,osusergo"]);
  goBuild("stripped", { CGO_ENABLED: "0", GOARCH: "amd64" }, ["-ldflags", "-s -w"]);
  goBuild("arm64", { CGO_ENABLED: "0", GOARCH: "arm64" }, ["-ldflags", "-s -w"]);
  goBuild("armv7", { CGO_ENABLED: "0", GOARCH: "arm", GOARM: "7" });
  goBuild("386", { CGO_ENABLED: "0", GOARCH: "386" });
  goBuild("s390x", { CGO_ENABLED: "0", GOARCH: "s390x" });
  goBuild("cgo", { CGO_ENABLED: "1", GOARCH: "amd64" });
  execFileSync("gcc", ["-O1", "-o", join(dir, "bin-c"), join(dir, "hello.c")]);
  bin.set("c", readFileSync(join(dir, "bin-c")));
});

after(() => rmSync(dir, { recursive: true, force: true }));

const get = (name: string) => bin.get(name) ?? assert.fail(`no binary ${name}`);

test("a CGO_ENABLED=0 Go binary is static amd64 with its build info", () => {
  const elf = readElf(get("static"));
  assert.equal(elf.class, 64);
  assert.equal(elf.arch, "amd64");
  assert.equal(elf.isStatic, true);
  assert.equal(elf.interpreter, undefined);
  assert.deepEqual(elf.needed, []);
  const info = readGoBuildInfo(get("static"), elf);
  assert.equal(info?.goVersion, goVersion);
  assert.equal(info?.path, "example.com/pure");
  assert.equal(info?.main?.path, "example.com/pure");
  assert.equal(info?.settings["CGO_ENABLED"], "0");
  assert.equal(info?.settings["-trimpath"], "true");
  assert.equal(info?.settings["-tags"], "netgo,osusergo");
  assert.equal(info?.settings["GOARCH"], "amd64");
  assert.deepEqual(checkBinary(elf, { arch: "amd64", static: true }), []);
});

test("-s -w keeps the build info readable", () => {
  const elf = readElf(get("stripped"));
  assert.equal(elf.sections.some((s) => s.name === ".symtab"), false);
  assert.equal(readGoBuildInfo(get("stripped"), elf)?.settings["-ldflags"], "-s -w");
});

test("cross-compiled binaries name their architecture", () => {
  const cases: Array<[string, string, 32 | 64, boolean]> = [
    ["arm64", "arm64", 64, true],
    ["armv7", "arm", 32, true],
    ["386", "386", 32, true],
    ["s390x", "s390x", 64, false],
  ];
  for (const [name, arch, klass, little] of cases) {
    const elf = readElf(get(name));
    assert.deepEqual([elf.arch, elf.class, elf.littleEndian, elf.isStatic], [arch, klass, little, true], name);
    assert.equal(readGoBuildInfo(get(name), elf)?.settings["GOARCH"], arch, name);
  }
  assert.equal(readGoBuildInfo(get("armv7"), readElf(get("armv7")))?.settings["GOARM"], "7");
  assert.deepEqual(checkBinary(readElf(get("arm64")), { arch: "amd64", static: true }), [
    "binary is for arm64 but the target platform is linux/amd64",
  ]);
});

test("a cgo binary needs the loader and libc, and the check says how to fix it", () => {
  const elf = readElf(get("cgo"));
  assert.equal(elf.isStatic, false);
  assert.equal(elf.interpreter, "/lib64/ld-linux-x86-64.so.2");
  assert.ok(elf.needed.includes("libc.so.6"), elf.needed.join(","));
  assert.equal(readGoBuildInfo(get("cgo"), elf)?.settings["CGO_ENABLED"], "1");
  assert.deepEqual(checkBinary(elf, { arch: "amd64", static: true }), [
    "binary needs /lib64/ld-linux-x86-64.so.2 (cgo is on): set `cgo: false`, or keep cgo with `link: dynamic`, which ships the loader and libraries",
  ]);
});

test("a C program: DT_NEEDED as readelf shows it, and no Go build info", () => {
  const elf = readElf(get("c"));
  assert.equal(elf.type, "DYN");
  assert.deepEqual(elf.needed, ["libc.so.6"]);
  const readelf = execFileSync("readelf", ["-d", join(dir, "bin-c")], { encoding: "utf8" });
  assert.deepEqual(elf.needed, [...readelf.matchAll(/\(NEEDED\)\s+Shared library: \[(.+)\]/g)].map((m) => m[1]));
  assert.equal(readGoBuildInfo(get("c"), elf), undefined);
});

test("broken files give ElfError with what is wrong, never a crash", () => {
  const good = get("static");
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ["empty", new Uint8Array(0), /^not an ELF file: first bytes are none \(the file is empty\)$/],
    ["script", new TextEncoder().encode("#!/bin/sh\necho hi\n"), /^not an ELF file: first bytes are 23 21 2f 62 \(a script\?\)$/],
    ["header only", good.subarray(0, 40), /^truncated ELF: ELF header ends at byte 64 but the file has 40 bytes$/],
    ["program headers cut", good.subarray(0, 100), /^truncated ELF: program header table ends at byte \d+ but the file has 100 bytes$/],
    ["sections cut", good.subarray(0, 8192), /^truncated ELF: section name table ends at byte \d+ but the file has 8192 bytes$/],
  ];
  const hugePhnum = new Uint8Array(good.subarray(0, 4096));
  new DataView(hugePhnum.buffer).setUint16(56, 0xffff, true);
  new DataView(hugePhnum.buffer).setUint16(54, 56, true);
  cases.push(["huge phnum", hugePhnum, /^truncated ELF: program header table ends at byte \d+ but the file has 4096 bytes$/]);
  const badClass = new Uint8Array(good.subarray(0, 128));
  badClass[4] = 9;
  cases.push(["bad class", badClass, /^corrupt ELF: unknown class 9$/]);
  for (const [name, bytes, message] of cases) {
    assert.throws(() => readElf(bytes), (err: unknown) => err instanceof ElfError && message.test(err.message), name);
  }
});
