import assert from "node:assert/strict";
import { test } from "node:test";
import { compareUtf8, sortedRecord } from "../../src/llb/bytes.js";
import { goJsonStringArray } from "../../src/llb/index.js";
import { clean, join, resolvePath } from "../../src/llb/go-path.js";
import { normalizePlatform } from "../../src/llb/index.js";

test("Go json.Marshal escaping for attr lists", () => {
  assert.equal(goJsonStringArray([]), "[]");
  assert.equal(goJsonStringArray(["a", "b"]), '["a","b"]');
  assert.equal(goJsonStringArray(["<a>&b"]), '["\\u003ca\\u003e\\u0026b"]');
  assert.equal(goJsonStringArray(['q"\\']), '["q\\"\\\\"]');
  assert.equal(goJsonStringArray(["\b\f\n\r\t\u0001\u001f"]), '["\\b\\f\\n\\r\\t\\u0001\\u001f"]');
  assert.equal(goJsonStringArray(["\u2028\u2029\u007f é 😀"]), '["\\u2028\\u2029\u007f é 😀"]');
  assert.equal(goJsonStringArray(["\ud800x"]), '["\ufffdx"]');
});

test("keys sort by UTF-8 bytes, not UTF-16 units", () => {
  assert.ok("😀" < "\uffff", "UTF-16 order puts the surrogate pair first");
  assert.ok(compareUtf8("\uffff", "😀") < 0, "UTF-8 order puts U+FFFF first");
  assert.equal(compareUtf8("a", "a"), 0);
  assert.ok(compareUtf8("a", "ab") < 0);
  assert.ok(compareUtf8("B", "a") < 0);
  assert.deepEqual(Object.keys(sortedRecord([["b", 1], ["😀", 2], ["\uffff", 3], ["a", 4]])), ["a", "b", "\uffff", "😀"]);
});

test("Go path semantics", () => {
  const cleanCases: Array<[string, string]> = [
    ["", "."],
    ["/", "/"],
    ["a/b/", "a/b"],
    ["//a//b", "/a/b"],
    ["/../a", "/a"],
    ["../a/..", ".."],
    ["a/../..", ".."],
    ["./", "."],
  ];
  for (const [input, want] of cleanCases) assert.equal(clean(input), want, `clean(${JSON.stringify(input)})`);
  assert.equal(join(), "");
  assert.equal(join("", ""), "");
  assert.equal(join("/", "", "a"), "/a");
  const resolveCases: Array<[string, string, boolean, string]> = [
    ["/work", "out", false, "/work/out"],
    ["/work", "out/", false, "/work/out"],
    ["/work", "out/", true, "/work/out/"],
    ["/work", "/", true, "/"],
    ["/work", ".", true, "/work"],
    ["/work", "t/.", true, "/work/t/."],
    ["/", "/.", true, "/."],
    ["", "x", false, "/x"],
  ];
  for (const [parent, p, keep, want] of resolveCases) {
    assert.equal(resolvePath(parent, p, keep), want, `resolvePath(${parent}, ${p}, ${keep})`);
  }
});

test("platform normalisation matches containerd's", () => {
  const cases: Array<[string, string, string | undefined, string, string | undefined]> = [
    ["linux", "amd64", undefined, "amd64", undefined],
    ["Linux", "x86_64", "v1", "amd64", undefined],
    ["linux", "x86_64", "v3", "amd64", "v3"],
    ["linux", "aarch64", "v8", "arm64", undefined],
    ["linux", "arm64", "9", "arm64", "v9"],
    ["linux", "arm", undefined, "arm", "v7"],
    ["linux", "arm", "6", "arm", "v6"],
    ["linux", "armhf", undefined, "arm", "v7"],
    ["linux", "armel", undefined, "arm", "v6"],
    ["linux", "i386", "x", "386", undefined],
    ["linux", "riscv64", undefined, "riscv64", undefined],
  ];
  for (const [os, arch, variant, wantArch, wantVariant] of cases) {
    const got = normalizePlatform({ os, architecture: arch, ...(variant !== undefined ? { variant } : {}) });
    assert.deepEqual(got, { os: "linux", architecture: wantArch, ...(wantVariant !== undefined ? { variant: wantVariant } : {}) });
  }
  assert.equal(normalizePlatform({ os: "macos", architecture: "arm64" }).os, "darwin");
});
