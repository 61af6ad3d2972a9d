/** The modinfo text format, including the quoting cmd/go uses for build settings. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseModinfo } from "../../src/elf/index.js";
import { MAX_MODULES, goUnquote } from "../../src/elf/modinfo.js";
import { ElfError } from "../../src/elf/elf-error.js";

test("path, mod, dep and => lines, with replacements on the module they follow", () => {
  const text = [
    "path\texample.com/app/cmd/server",
    "mod\texample.com/app\tv1.2.3\th1:main=",
    "=>\t./local\t(devel)\t",
    "dep\tgithub.com/a/b\tv0.1.0\th1:ab=",
    "dep\tgithub.com/c/d\tv0.2.0",
    "=>\tgithub.com/fork/d\tv0.2.1\th1:fork=",
    "",
  ].join("\n");
  assert.deepEqual(parseModinfo(text), {
    path: "example.com/app/cmd/server",
    main: { path: "example.com/app", version: "v1.2.3", sum: "h1:main=", replace: { path: "./local", version: "(devel)", sum: "" } },
    deps: [
      { path: "github.com/a/b", version: "v0.1.0", sum: "h1:ab=" },
      { path: "github.com/c/d", version: "v0.2.0", sum: "", replace: { path: "github.com/fork/d", version: "v0.2.1", sum: "h1:fork=" } },
    ],
    settings: {},
  });
});

test("build settings: plain, with = in the value, quoted values and quoted keys", () => {
  const text = [
    "build\t-buildmode=exe",
    "build\tDefaultGODEBUG=asynctimerchan=1,tlsrsakex=1",
    'build\t-ldflags="-s -w -X \\"main.version=1.0 beta\\""',
    'build\t-gcflags="all=-N\\t-l"',
    'build\t"odd key=x"=y',
    "build\tvcs.revision=0123abcd",
    "build\t-trimpath=true",
  ].join("\n");
  assert.deepEqual(parseModinfo(text).settings, {
    "-buildmode": "exe",
    DefaultGODEBUG: "asynctimerchan=1,tlsrsakex=1",
    "-ldflags": '-s -w -X "main.version=1.0 beta"',
    "-gcflags": "all=-N\t-l",
    "odd key=x": "y",
    "vcs.revision": "0123abcd",
    "-trimpath": "true",
  });
});

test("malformed lines are skipped, the rest still parses", () => {
  const text = ["garbage", "dep\tonly-a-path", "=>\ttoo\tfew", "build\t=novalue", 'build\t-tags="unterminated', "build\tGOOS=linux", "dep\tx\tv1"].join("\n");
  assert.deepEqual(parseModinfo(text), { path: "", main: undefined, deps: [{ path: "x", version: "v1", sum: "" }], settings: { GOOS: "linux" } });
});

test("goUnquote reads what strconv.Quote writes", () => {
  const cases: Array<[string, string | undefined]> = [
    ['"plain"', "plain"],
    ['"tab\\there"', "tab\there"],
    ['"\\x41\\u00e9\\U0001F600\\101"', "Aé😀A"],
    ['"\\xc3\\xa9"', "é"],
    ['"quote \\" and backslash \\\\"', 'quote " and backslash \\'],
    ["`raw \\n`", "raw \\n"],
    ['"bad \\q"', undefined],
    ['"open', undefined],
    ['"a"b"', undefined],
  ];
  for (const [input, want] of cases) assert.equal(goUnquote(input), want, input);
});

test("build info listing more modules than any real program is refused, without reading on", () => {
  const lines = (n: number) => `path\texample.com/app\n${Array.from({ length: n }, (_, i) => `dep\texample.com/d${i}\tv1.0.0\n`).join("")}`;
  assert.equal(parseModinfo(lines(MAX_MODULES)).deps.length, MAX_MODULES);
  assert.throws(() => parseModinfo(lines(MAX_MODULES + 1)), (e: unknown) => e instanceof ElfError && /more than 20000 modules/.test(e.message));
});
