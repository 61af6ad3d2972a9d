import assert from "node:assert/strict";
import { test } from "node:test";
import { GoModError, isGoModError, parseGoMod } from "../../src/gomod/index.js";

const SERVICE = `module github.com/acme/orders

go 1.23.4

require (
	github.com/go-chi/chi/v5 v5.2.1
	github.com/jackc/pgx/v5 v5.7.2
	go.opentelemetry.io/otel v1.34.0
	golang.org/x/sync v0.10.0
)

require (
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	golang.org/x/crypto v0.31.0 // indirect; used by pgx
	github.com/go-logr/logr v1.4.2 // keep: not indirect
)

exclude golang.org/x/crypto v0.30.0

retract (
	v1.0.1 // published by mistake
	[v1.1.0, v1.1.3]
)
`;

test("a service with require blocks keeps order, lines and // indirect", () => {
  assert.deepEqual(parseGoMod(SERVICE), {
    module: "github.com/acme/orders",
    go: "1.23.4",
    require: [
      { path: "github.com/go-chi/chi/v5", version: "v5.2.1", indirect: false, line: 6 },
      { path: "github.com/jackc/pgx/v5", version: "v5.7.2", indirect: false, line: 7 },
      { path: "go.opentelemetry.io/otel", version: "v1.34.0", indirect: false, line: 8 },
      { path: "golang.org/x/sync", version: "v0.10.0", indirect: false, line: 9 },
      { path: "github.com/jackc/pgpassfile", version: "v1.0.0", indirect: true, line: 13 },
      { path: "github.com/jackc/pgservicefile", version: "v0.0.0-20240606120523-5a60cdf6a761", indirect: true, line: 14 },
      { path: "golang.org/x/crypto", version: "v0.31.0", indirect: true, line: 15 },
      { path: "github.com/go-logr/logr", version: "v1.4.2", indirect: false, line: 16 },
    ],
    replace: [],
  });
});

const MONOREPO = `// The API service of the monorepo.
module example.com/platform/services/api

go 1.24

require (
	example.com/platform/libs/auth v0.0.0
	example.com/platform/libs/db v0.0.0
	github.com/google/uuid v1.6.0
)

replace example.com/platform/libs/auth => ../../libs/auth

replace (
	example.com/platform/libs/db v0.0.0 => ../../libs/db
	github.com/google/uuid => github.com/acme/uuid v1.6.1-0.20250101000000-abcdefabcdef
	"example.com/quoted" => "/abs/vendor/quoted"
	example.com/here => ./
)
`;

test("a monorepo's local replaces are marked local, module replaces are not", () => {
  const mod = parseGoMod(MONOREPO);
  assert.equal(mod.module, "example.com/platform/services/api");
  assert.equal(mod.go, "1.24");
  assert.equal(mod.toolchain, undefined);
  assert.deepEqual(mod.replace, [
    { from: { path: "example.com/platform/libs/auth" }, to: { path: "../../libs/auth" }, local: true, line: 12 },
    { from: { path: "example.com/platform/libs/db", version: "v0.0.0" }, to: { path: "../../libs/db" }, local: true, line: 15 },
    {
      from: { path: "github.com/google/uuid" },
      to: { path: "github.com/acme/uuid", version: "v1.6.1-0.20250101000000-abcdefabcdef" },
      local: false,
      line: 16,
    },
    { from: { path: "example.com/quoted" }, to: { path: "/abs/vendor/quoted" }, local: true, line: 17 },
    { from: { path: "example.com/here" }, to: { path: "./" }, local: true, line: 18 },
  ]);
});

const WITH_TOOLCHAIN = `module example.com/tool/v2

go 1.22.0

toolchain go1.24.3

godebug (
	default=go1.21
	panicnil=1
)

require github.com/spf13/cobra v1.8.1

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.5 // indirect
)

tool golang.org/x/tools/cmd/stringer

ignore ./testdata
`;

test("toolchain, godebug, tool and ignore lines are accepted", () => {
  const mod = parseGoMod(WITH_TOOLCHAIN);
  assert.equal(mod.module, "example.com/tool/v2");
  assert.equal(mod.go, "1.22.0");
  assert.equal(mod.toolchain, "go1.24.3");
  assert.deepEqual(
    mod.require.map((r) => [r.path, r.indirect, r.line]),
    [
      ["github.com/spf13/cobra", false, 12],
      ["github.com/inconshreveable/mousetrap", true, 15],
      ["github.com/spf13/pflag", true, 16],
    ],
  );
});

test("a module with no go line and CRLF line ends", () => {
  assert.deepEqual(parseGoMod("module example.com/old\r\n\r\nrequire golang.org/x/text v0.3.0\r\n"), {
    module: "example.com/old",
    require: [{ path: "golang.org/x/text", version: "v0.3.0", indirect: false, line: 3 }],
    replace: [],
  });
});

test("quoted strings are unquoted like Go's strconv.Unquote", () => {
  assert.equal(parseGoMod('module "example.com/\\x61pp"\n').module, "example.com/app");
  assert.equal(parseGoMod("module `example.com/raw`\n").module, "example.com/raw");
  // \x and octal escapes are bytes, \u and \U code points.
  assert.equal(parseGoMod('module "example.com/caf\\xc3\\xa9/\\u00e9/\\U0001F600/\\141\\t"\n').module, "example.com/café/é/😀/a\t");
});

// Each escape Go's strconv.Unquote refuses, as a located error rather than a RangeError.
const badEscapes: Array<[string, string]> = [
  ['"example.com/\\U00110000"', 'go.mod:1:21: escape "\\U00110000" is not a Unicode character'],
  ['"example.com/\\uD800"', 'go.mod:1:21: escape "\\uD800" is not a Unicode character'],
  ['"example.com/\\UFFFFFFFF"', 'go.mod:1:21: escape "\\UFFFFFFFF" is not a Unicode character'],
  ['"example.com/\\777"', 'go.mod:1:21: escape "\\777" is above \\377, the largest byte'],
  ['"example.com/\\xff"', 'go.mod:1:8: quoted string "example.com/\\xff" is not valid UTF-8 once its escapes are read'],
  ['"x\\x4"', 'go.mod:1:10: invalid escape "\\x4" in quoted string: \\x takes 2 hex digits'],
  ['"x\\u12"', 'go.mod:1:10: invalid escape "\\u12" in quoted string: \\u takes 4 hex digits'],
  ['"x\\12"', 'go.mod:1:10: invalid escape "\\12" in quoted string: octal escapes have three digits'],
  ['"x\\q"', 'go.mod:1:10: invalid escape "\\q" in quoted string'],
  ["\"x\\'\"", "go.mod:1:10: invalid escape \"\\'\" in quoted string"],
];

for (const [quoted, error] of badEscapes) {
  test(`quoted ${quoted} is a located error`, () => {
    assert.throws(() => parseGoMod(`module ${quoted}\n`), (err: unknown) => err instanceof GoModError && err.message === error);
  });
}

const broken: Array<{ name: string; text: string; file?: string; error: string; line: number; col: number }> = [
  { name: "misspelled directive", text: "module x\n\nrequre example.com/a v1.0.0\n", error: 'go.mod:3:1: unknown directive "requre" (did you mean "require"?)', line: 3, col: 1 },
  {
    name: "unknown directive far from any",
    text: "module x\nfrobnicate\n",
    error: 'go.mod:2:1: unknown directive "frobnicate" (the directives are module, go, toolchain, godebug, require, exclude, replace, retract, tool, ignore)',
    line: 2,
    col: 1,
  },
  { name: "no module line", text: "go 1.24\n", error: 'go.mod:1:1: no module directive (add "module example.com/app" as the first line, or run "go mod init example.com/app")', line: 1, col: 1 },
  { name: "two module lines", text: "module a\nmodule b\n", error: "go.mod:2:1: repeated module directive (the first is on line 1): keep one", line: 2, col: 1 },
  { name: "bad go version", text: "module x\ngo 1.24.x\n", error: 'go.mod:2:4: invalid go version "1.24.x" (it must look like "1.24" or "1.24.3")', line: 2, col: 4 },
  { name: "go version with go prefix", text: "module x\ngo go1.24\n", error: 'go.mod:2:4: invalid go version "go1.24" (write "go 1.24")', line: 2, col: 4 },
  { name: "toolchain without go prefix", text: "module x\ntoolchain 1.24.3\n", error: 'go.mod:2:11: invalid toolchain "1.24.3" (write "toolchain go1.24.3")', line: 2, col: 11 },
  { name: "go as a block", text: "module x\ngo (\n1.24\n)\n", error: 'go.mod:2:1: "go" cannot be a block: write "go <version>" on one line', line: 2, col: 1 },
  {
    name: "require without version",
    text: "module x\nrequire (\n\texample.com/a\n)\n",
    error: 'go.mod:3:2: require takes 2 arguments, got example.com/a (write it like "require example.com/mod v1.2.3")',
    line: 3,
    col: 2,
  },
  {
    name: "branch name as version",
    text: "module x\nrequire example.com/a master\n",
    error: 'go.mod:2:23: require example.com/a: invalid version "master" (it must look like v1.2.3; run "go mod tidy" to resolve branch or tag names)',
    line: 2,
    col: 23,
  },
  {
    name: "unclosed block",
    text: "module x\nrequire (\n\texample.com/a v1.0.0\n",
    error: 'go.mod:2:1: "require (" block is never closed: add ")" on a line of its own',
    line: 2,
    col: 1,
  },
  { name: "stray parenthesis", text: "module x\n)\n", error: 'go.mod:2:1: unexpected ")"', line: 2, col: 1 },
  {
    name: "entry on the opening line",
    text: "module x\nrequire ( example.com/a v1.0.0\n)\n",
    error: 'go.mod:2:11: unexpected example.com/a after "(": start the block\'s first entry on the next line',
    line: 2,
    col: 11,
  },
  {
    name: "replace without arrow",
    text: "module x\nreplace example.com/a ../a\n",
    error: 'go.mod:2:1: replace needs "old => new" (write it like "replace example.com/mod => ../mod")',
    line: 2,
    col: 1,
  },
  {
    name: "replacement module without version",
    text: "module x\nreplace example.com/a => example.com/fork\n",
    error: 'go.mod:2:26: replacement "example.com/fork" is neither a directory nor a module with a version (add a version, or start a directory path with ./ or ../)',
    line: 2,
    col: 26,
  },
  {
    name: "replacement written path@version",
    text: "module x\nreplace example.com/a => example.com/fork@v1.2.0\n",
    error:
      'go.mod:2:26: replacement "example.com/fork@v1.2.0" is neither a directory nor a module with a version (write "example.com/fork v1.2.0", with a space instead of @)',
    line: 2,
    col: 26,
  },
  {
    name: "directory replacement with a version",
    text: "module x\nreplace example.com/a => ../a v1.0.0\n",
    error: 'go.mod:2:31: replacement directory "../a" cannot have a version (remove "v1.0.0")',
    line: 2,
    col: 31,
  },
  { name: "unterminated string", text: 'module "x\n', error: 'go.mod:1:8: unterminated string: close it with " on the same line', line: 1, col: 8 },
  { name: "block comment", text: "module x\n/* old */\n", error: "go.mod:2:1: go.mod files use // comments, not /* */", line: 2, col: 1 },
  { name: "godebug without =", text: "module x\ngodebug panicnil\n", error: 'go.mod:2:9: godebug setting "panicnil" must be key=value (like "default=go1.21")', line: 2, col: 9 },
  {
    name: "file name is used in the position",
    text: "module x\nrequre a v1.0.0\n",
    file: "services/api/go.mod",
    error: 'services/api/go.mod:2:1: unknown directive "requre" (did you mean "require"?)',
    line: 2,
    col: 1,
  },
];

for (const tc of broken) {
  test(`broken go.mod: ${tc.name}`, () => {
    assert.throws(
      () => parseGoMod(tc.text, tc.file),
      (err: unknown) => {
        assert.ok(err instanceof GoModError);
        assert.ok(isGoModError(err));
        assert.equal(err.name, "GoModError");
        assert.equal(err.message, tc.error);
        assert.equal(err.file, tc.file ?? "go.mod");
        assert.deepEqual([err.line, err.col], [tc.line, tc.col]);
        return true;
      },
    );
  });
}
