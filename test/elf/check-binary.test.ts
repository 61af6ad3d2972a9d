/** The verdict's messages: each names the cause and the fix. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkBinary, type GoBuildInfo, readElf } from "../../src/elf/index.js";
import { buildElf } from "./synthetic-elf.js";

const goInfo = (settings: Record<string, string>): GoBuildInfo => ({ goVersion: "go1.26.0", path: "x", main: undefined, deps: [], settings });
const amd64Static = readElf(buildElf({ class: 64, littleEndian: true, machine: 62 }));
const amd64Dynamic = readElf(buildElf({ class: 64, littleEndian: true, machine: 62, interp: "/lib64/ld-linux-x86-64.so.2", needed: ["libc.so.6"] }));

test("a fitting binary has no problems", () => {
  assert.deepEqual(checkBinary(amd64Static, { arch: "amd64", static: true }, goInfo({ GOAMD64: "v1", GOOS: "linux" })), []);
  assert.deepEqual(checkBinary(amd64Dynamic, { arch: "amd64", static: false }), []);
});

test("wrong architecture and a loader, both reported, with the platform as the user wrote it", () => {
  const arm64 = readElf(buildElf({ class: 64, littleEndian: true, machine: 183, interp: "/lib/ld-linux-aarch64.so.1", needed: ["libc.so.6"] }));
  assert.deepEqual(checkBinary(arm64, { arch: "amd64", platform: "linux/amd64", static: true }), [
    "binary is for arm64 but the target platform is linux/amd64",
    "binary needs /lib/ld-linux-aarch64.so.1 (cgo is on): set `cgo: false`, or keep cgo with `link: dynamic`, which ships the loader and libraries",
  ]);
});

test("libraries without a loader are named instead", () => {
  const odd = readElf(buildElf({ class: 64, littleEndian: true, machine: 62, type: 3, needed: ["libfoo.so", "libc.so.6"] }));
  assert.deepEqual(checkBinary(odd, { arch: "amd64", static: true }), [
    "binary needs libfoo.so, libc.so.6 (cgo is on): set `cgo: false`, or keep cgo with `link: dynamic`, which ships the loader and libraries",
  ]);
});

test("cgo off but dynamic: the build mode is the cause", () => {
  const pie = readElf(buildElf({ class: 64, littleEndian: true, machine: 62, type: 3, interp: "/lib64/ld-linux-x86-64.so.2", flags1: 0x08000000 }));
  assert.deepEqual(checkBinary(pie, { arch: "amd64", static: true }, goInfo({ CGO_ENABLED: "0", "-buildmode": "pie" })), [
    "binary needs /lib64/ld-linux-x86-64.so.2 (-buildmode=pie links against the loader even with cgo off): build with the default -buildmode=exe, which gives a static binary",
  ]);
  assert.deepEqual(checkBinary(pie, { arch: "amd64", static: true }, goInfo({ CGO_ENABLED: "0" })), [
    "binary needs /lib64/ld-linux-x86-64.so.2 (cgo is off but the link is dynamic): build with the default -buildmode=exe, which gives a static binary",
  ]);
});

test("CPU levels: a binary needing a newer GOAMD64 or GOARM than the platform variant", () => {
  assert.deepEqual(checkBinary(amd64Static, { arch: "amd64", static: true }, goInfo({ GOAMD64: "v3" })), [
    "binary is built with GOAMD64=v3 and needs a newer CPU but the target platform is linux/amd64: build with GOAMD64 matching the platform variant (linux/amd64 → GOAMD64=v1)",
  ]);
  assert.deepEqual(checkBinary(amd64Static, { arch: "amd64", variant: "v3", static: true }, goInfo({ GOAMD64: "v3" })), []);
  assert.deepEqual(checkBinary(amd64Static, { arch: "amd64", variant: "v4", static: true }, goInfo({ GOAMD64: "v3" })), []);
  const arm = readElf(buildElf({ class: 32, littleEndian: true, machine: 40 }));
  assert.deepEqual(checkBinary(arm, { arch: "arm", static: true }, goInfo({ GOARM: "7" })), []);
  assert.deepEqual(checkBinary(arm, { arch: "arm", variant: "v5", static: true }, goInfo({ GOARM: "6,softfloat" })), [
    "binary is built with GOARM=6,softfloat and needs a newer CPU but the target platform is linux/arm/v5: build with GOARM matching the platform variant (linux/arm/v6 → GOARM=6)",
  ]);
});

test("not a program, or not for Linux", () => {
  const obj = readElf(buildElf({ class: 64, littleEndian: true, machine: 62, type: 1 }));
  assert.deepEqual(checkBinary(obj, { arch: "amd64", static: true }), ["binary is a relocatable object (.o), not a program: build a `package main`"]);
  assert.deepEqual(checkBinary(amd64Static, { arch: "amd64", static: true }, goInfo({ GOOS: "freebsd" })), [
    "binary is for GOOS=freebsd but the target platform is linux/amd64: build with GOOS=linux",
  ]);
});
