import assert from "node:assert/strict";
import { test } from "node:test";
import { parseGoMod } from "../../src/gomod/index.js";
import { makePlan } from "../../src/plan/index.js";
import { SpecErrors, parseSpec } from "../../src/spec/index.js";

const amd64 = { os: "linux", architecture: "amd64" };
const goMod = parseGoMod("module example.com/app\n\ngo 1.24\n");
const plan = (spec: string, platforms = [amd64]) =>
  makePlan({ spec: parseSpec(spec), goMod, options: { platforms, buildPlatform: amd64, buildArgs: {}, network: "sandbox", noCache: false } });

test("cgo off: -s -w only, no link mode", () => {
  const p = plan("ldflags: -X main.v=1\n");
  assert.deepEqual([p.cgo, p.link, p.ldflags, p.tags], [false, undefined, "-s -w -X main.v=1", []]);
});

test("cgo on defaults to link: dynamic", () => {
  const p = plan("cgo: true\n");
  assert.deepEqual([p.cgo, p.link, p.ldflags], [true, "dynamic", "-s -w"]);
});

test("link: static links libc in and keeps NSS out with netgo,osusergo", () => {
  const p = plan("cgo: true\nlink: static\ntags: [sqlite_omit_load_extension, netgo]\nldflags: -X main.v=2\n");
  assert.equal(p.link, "static");
  assert.equal(p.ldflags, '-s -w -linkmode external -extldflags "-static" -X main.v=2');
  assert.deepEqual(p.tags, ["sqlite_omit_load_extension", "netgo", "osusergo"]);
});

const failures: Array<[string, string, typeof amd64[], RegExp]> = [
  ["link without cgo", "link: static\n", [amd64], /^slimgo\.yaml:1:1: link: link only applies when cgo is true \(remove link, or set cgo: true\)$/],
  [
    "cgo across architectures",
    "cgo: true\n",
    [amd64, { os: "linux", architecture: "arm64" }],
    /^slimgo\.yaml:1:1: cgo: cgo is on, but linux\/arm64 differs from the build platform linux\/amd64 and the builder has no C cross-compiler for it \(set cgo: false/,
  ],
];
for (const [name, spec, platforms, message] of failures) {
  test(`spec error: ${name}`, () => {
    assert.throws(
      () => plan(spec, platforms),
      (err: unknown) => err instanceof SpecErrors && message.test(err.message),
    );
  });
}
