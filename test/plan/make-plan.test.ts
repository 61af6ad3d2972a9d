import assert from "node:assert/strict";
import { test } from "node:test";
import { GoModError, parseGoMod } from "../../src/gomod/index.js";
import { type FrontendOptions, defaultBinaryName, makePlan } from "../../src/plan/index.js";
import { SpecErrors, formatSpecError, parseSpec } from "../../src/spec/index.js";

const AMD64 = { os: "linux", architecture: "amd64" };
const options: FrontendOptions = { platforms: [], buildPlatform: AMD64, buildArgs: {}, network: "sandbox", noCache: false };
const SYNTAX = "# syntax=slimgo:dev\n";

function plan(spec: string, goMod: string | undefined, extra: Partial<FrontendOptions> = {}) {
  return makePlan({ spec: parseSpec(spec), goMod: goMod === undefined ? undefined : parseGoMod(goMod), options: { ...options, ...extra } });
}

const errors: Array<{ name: string; spec: string; goMod: string | undefined; error: string; span: [number, number, number, number] }> = [
  {
    name: "no go.mod in the context",
    spec: `${SYNTAX}main: ./cmd/api\n`,
    goMod: undefined,
    error:
      'slimgo.yaml:1:1: the build context has no go.mod (run "go mod init example.com/app" there, or pass the module\'s directory as the context: docker buildx build -f slimgo.yaml <module dir>)',
    span: [1, 1, 1, 20],
  },
  {
    name: "spec go older than go.mod's go line",
    spec: `${SYNTAX}main: .\ngo: "1.22"\n`,
    goMod: "module example.com/app\n\ngo 1.24.0\n",
    error:
      'slimgo.yaml:3:1: go: "1.22" is older than go.mod\'s "go 1.24.0", so go build would stop with "go.mod requires go >= 1.24.0" (use "1.24" or newer, or remove go: to follow go.mod)',
    span: [3, 1, 3, 11],
  },
  {
    name: "spec go patch older than go.mod's patch",
    spec: "go: 1.24.1\n",
    goMod: "module example.com/app\n\ngo 1.24.3\n",
    error:
      'slimgo.yaml:1:1: go: "1.24.1" is older than go.mod\'s "go 1.24.3", so go build would stop with "go.mod requires go >= 1.24.3" (use "1.24" or newer, or remove go: to follow go.mod)',
    span: [1, 1, 1, 11],
  },
];

for (const tc of errors) {
  test(`plan error: ${tc.name}`, () => {
    assert.throws(
      () => plan(tc.spec, tc.goMod),
      (err: unknown) => {
        assert.ok(err instanceof SpecErrors);
        assert.equal(err.message, tc.error);
        assert.equal(err.errors.length, 1);
        const [first] = err.errors;
        assert.ok(first);
        assert.equal(formatSpecError(first), tc.error);
        assert.deepEqual([first.line, first.col, first.endLine, first.endCol], tc.span);
        return true;
      },
    );
  });
}

test("a spec go of the same series as go.mod's patch is fine: golang:1.24 is the newest 1.24.x", () => {
  assert.equal(plan("go: '1.24'\n", "module m\ngo 1.24.3\n").builderImage, "golang:1.24-bookworm");
});

test("the Go version: spec, else the newer of toolchain and go line, as major.minor, at least 1.24", () => {
  const cases: Array<[string, string, string]> = [
    ["go: '1.25'\n", "module m\ngo 1.24\n", "1.25"],
    ["go: 1.24.3\n", "module m\ngo 1.24\n", "1.24.3"],
    ["go: '1.21'\n", "module m\ngo 1.13\n", "1.21"],
    ["", "module m\ngo 1.22.0\ntoolchain go1.25.3\n", "1.25"],
    ["", "module m\ngo 1.25.4\n", "1.25"],
    ["", "module m\ngo 1.23\ntoolchain default\n", "1.24"],
    ["", "module m\ngo 1.13\n", "1.24"],
    ["", "module m\ngo 1.26rc1\n", "1.26"],
  ];
  for (const [spec, goMod, version] of cases) assert.equal(plan(spec, goMod).goVersion, version, `${spec} / ${goMod}`);
});

test("ldflags: -s -w first, the spec's flags after", () => {
  assert.equal(plan("", "module m\ngo 1.24\n").ldflags, "-s -w");
  assert.equal(plan("ldflags: '  -X main.v=1  '\n", "module m\ngo 1.24\n").ldflags, "-s -w -X main.v=1");
});

test("go env: build args override buildEnv; only the known names pass through; sorted by code unit", () => {
  const p = plan("buildEnv:\n  GOPROXY: https://file.example\n  ZZ: z\n  AA: a\n", "module m\ngo 1.24\n", {
    buildArgs: { GOPROXY: "off", NO_PROXY: "localhost", no_proxy: "127.0.0.1", GOTOOLCHAIN: "auto", constructor: "x" },
  });
  assert.deepEqual(p.goEnv, [
    ["AA", "a"],
    ["GOPROXY", "off"],
    ["NO_PROXY", "localhost"],
    ["ZZ", "z"],
    ["no_proxy", "127.0.0.1"],
  ]);
});

test("base keywords and the distroless override", () => {
  const goMod = "module m\ngo 1.24\n";
  assert.deepEqual(plan("base: scratch\n", goMod).base, { kind: "scratch" });
  assert.deepEqual(plan("base: distroless\n", goMod).base, { kind: "image", ref: "gcr.io/distroless/static-debian12:nonroot" });
  assert.deepEqual(plan("base: distroless\n", goMod, { buildArgs: { SLIMGO_DISTROLESS_IMAGE: "" } }).base, {
    kind: "image",
    ref: "gcr.io/distroless/static-debian12:nonroot",
  });
  assert.deepEqual(plan("base: alpine:3.21\n", goMod).base, { kind: "image", ref: "alpine:3.21" });
});

test("SSL_CERT_FILE is added for the static base only", () => {
  const goMod = "module m\ngo 1.24\n";
  assert.deepEqual(plan("", goMod).image.env, [["SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt"]]);
  assert.deepEqual(plan("base: scratch\n", goMod).image.env, []);
  assert.deepEqual(plan("base: scratch\nenv:\n  PATH: /bin\n", goMod).image.env, [["PATH", "/bin"]]);
});

test("target platforms: the option's list in order, else the build platform", () => {
  const arm = { os: "linux", architecture: "arm", variant: "v6" };
  assert.deepEqual(plan("", "module m\ngo 1.24\n").targetPlatforms, [AMD64]);
  assert.deepEqual(plan("", "module m\ngo 1.24\n", { platforms: [arm, AMD64] }).targetPlatforms, [arm, AMD64]);
});

test("the same inputs give the same plan, byte for byte", () => {
  const spec = "main: ./cmd/x\nenv:\n  B: b\n  A: a\nlabels:\n  z: 1\n  a: 2\n";
  const goMod = "module example.com/x\ngo 1.24\n";
  assert.equal(JSON.stringify(plan(spec, goMod)), JSON.stringify(plan(spec, goMod)));
});

test("default binary names follow go build", () => {
  const cases: Array<[string, string, string]> = [
    ["example.com/hello", ".", "hello"],
    ["example.com/hello", "./cmd/server", "server"],
    ["example.com/tool/v2", ".", "tool"],
    ["example.com/tool/v2", "./cmd/v3", "cmd"],
    ["example.com/repo", "./cmd/api/v2", "api"],
    ["v2", ".", "v2"],
    ["example.com/v0", ".", "v0"],
    ["hello", ".", "hello"],
  ];
  for (const [module, main, name] of cases) assert.equal(defaultBinaryName(module, main), name, `${module} ${main}`);
});

test("local replace targets become cleaned directories for the download step", () => {
  const goMod = `module example.com/svc
go 1.24
replace (
	example.com/a => ./libs/a/
	example.com/b v1.0.0 => ./shared/./b
	example.com/c => example.com/c-fork v1.2.0
	example.com/d => ./libs/a
	example.com/e => ./
)
`;
  assert.deepEqual(plan("", goMod).localReplaces, ["libs/a", "shared/b", "."]);
  assert.equal(plan("", "module m\ngo 1.24\n").localReplaces, undefined);
});

test("a replace target outside the build context fails on its go.mod line with the fix", () => {
  const goMod = "module example.com/svc\ngo 1.24\n\nreplace example.com/b => ../shared/b\n";
  assert.throws(
    () => plan("", goMod),
    (err: unknown) => {
      assert.ok(err instanceof GoModError);
      assert.equal(err.line, 4);
      assert.match(err.message, /^go\.mod:4:1: replace example\.com\/b => \.\.\/shared\/b points outside the build context.*build from a directory that holds both/);
      return true;
    },
  );
});

test("vendor/ is used only from go 1.14 on, as go itself does", () => {
  const vendoredPlan = (goMod: string) =>
    makePlan({ spec: parseSpec("main: .\n"), goMod: parseGoMod(goMod), vendored: true, options }).vendored === true;
  assert.equal(vendoredPlan("module m\ngo 1.14\n"), true);
  assert.equal(vendoredPlan("module m\ngo 1.22.1\n"), true);
  assert.equal(vendoredPlan("module m\ngo 1.13\n"), false);
  assert.equal(vendoredPlan("module m\n"), true, "no go line means go 1.16");
});

test("a go.mod without a go line builds with the oldest default Go, as go reads it as go 1.16", () => {
  assert.equal(plan(SYNTAX, "module example.com/old\n").goVersion, "1.24");
});
