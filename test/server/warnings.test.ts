import assert from "node:assert/strict";
import { test } from "node:test";
import { parseGoMod } from "../../src/gomod/index.js";
import { makePlan } from "../../src/plan/index.js";
import { parseGoListReport } from "../../src/server/go-list-report.js";
import type { Gateway } from "../../src/gateway/llb-bridge.js";
import { RpcError } from "../../src/gateway/rpc.js";
import { planWarnings, reportWarnings, sendWarnings, warningRanges } from "../../src/server/warnings.js";
import { parseSpec } from "../../src/spec/index.js";

const options = { platforms: [], buildPlatform: { os: "linux", architecture: "amd64" }, buildArgs: {}, network: "sandbox" as const, noCache: false };

function warnings(specText: string, report: string) {
  const spec = parseSpec(specText);
  const plan = makePlan({ spec, goMod: parseGoMod("module example.com/app\n\ngo 1.24\n"), options });
  return reportWarnings(plan, plan, parseGoListReport(report), warningRanges(spec)).map((w) => [w.rule, w.range.start.line]);
}

test("base: scratch with crypto/x509 linked warns on the base line", () => {
  assert.deepEqual(warnings("# syntax=slimgo:dev\nmain: .\nbase: scratch\n", "std net\nstd crypto/x509\n"), [["ScratchWithoutCerts", 3]]);
  assert.deepEqual(warnings("# syntax=slimgo:dev\nbase: scratch\n", "std net\n"), []);
  assert.deepEqual(warnings("# syntax=slimgo:dev\n", "std crypto/x509\n"), [], "base: static has the CA bundle");
});

test("cgo dependencies left out with cgo off warn on the first line when cgo is not written", () => {
  assert.deepEqual(warnings("# syntax=slimgo:dev\n", "cgo-dep github.com/mattn/go-sqlite3\n"), [["CgoDependency", 1]]);
});

test("a Warn that fails leaves the warnings to the log instead of failing the build", async () => {
  const caps = { frontend: new Set(["gateway.warnings"]), llb: new Set<string>() };
  const range = { start: { line: 1, col: 1 }, end: { line: 1, col: 1 } };
  const warning = { rule: "NoGoSum", message: "commit go.sum", range };
  const spec = { filename: "slimgo.yaml", data: new Uint8Array() };
  const failing = { warn: () => Promise.reject(new RpcError("Warn", 4, "no answer within 60 s")) } as unknown as Gateway;
  assert.equal(await sendWarnings(failing, caps, "sha256:0", spec, [warning]), false);
  const working = { warn: () => Promise.resolve() } as unknown as Gateway;
  assert.equal(await sendWarnings(working, caps, "sha256:0", spec, [warning]), true);
});

function messages(specText: string, report: string) {
  const spec = parseSpec(specText);
  const plan = makePlan({ spec, goMod: parseGoMod("module example.com/app\n\ngo 1.24\n"), options });
  return reportWarnings(plan, plan, parseGoListReport(report), warningRanges(spec)).map((w) => `${w.rule} line ${w.range.start.line}: ${w.message}`);
}

test("cgo with net or os/user linked advises the pure-Go tags, on the cgo line", () => {
  const cgo = "# syntax=slimgo:dev\nmain: .\ncgo: true\n";
  assert.deepEqual(messages(cgo, "std net\n"), [
    "CgoResolver line 3: with cgo on, net uses glibc's NSS at run time; add tags [netgo] for Go's own implementation, which needs no NSS files",
  ]);
  assert.deepEqual(messages(cgo, "std net\nstd os/user\n"), [
    "CgoResolver line 3: with cgo on, net and os/user use glibc's NSS at run time; add tags [netgo, osusergo] for Go's own implementation, which needs no NSS files",
  ]);
  assert.deepEqual(messages(cgo, "std os/user\n"), [
    "CgoResolver line 3: with cgo on, os/user uses glibc's NSS at run time; add tags [osusergo] for Go's own implementation, which needs no NSS files",
  ]);
});

test("no cgo advice without cgo, with link: static, without net or os/user, or with the tag already set", () => {
  assert.deepEqual(messages("# syntax=slimgo:dev\n", "std net\nstd os/user\n"), []);
  assert.deepEqual(messages("# syntax=slimgo:dev\ncgo: true\nlink: static\n", "std net\nstd os/user\n"), []);
  assert.deepEqual(messages("# syntax=slimgo:dev\ncgo: true\n", "std fmt\n"), []);
  assert.deepEqual(messages("# syntax=slimgo:dev\ncgo: true\ntags: [netgo, osusergo]\n", "std net\nstd os/user\n"), []);
  assert.deepEqual(messages("# syntax=slimgo:dev\ncgo: true\ntags: [netgo]\n", "std net\nstd os/user\n"), [
    "CgoResolver line 2: with cgo on, os/user uses glibc's NSS at run time; add tags [osusergo] for Go's own implementation, which needs no NSS files",
  ]);
});

test("a build arg or buildEnv value with credentials warns on the first line, naming the variables, not the secret", () => {
  const spec = parseSpec("# syntax=slimgo:dev\nmain: .\nbuildEnv:\n  ALL_PROXY: socks5://user:pw@proxy.example\n");
  const buildArgs = { GOPROXY: "https://user:tok3n@proxy.example/go,direct", HTTPS_PROXY: "u:p@proxy.example:3128", HTTP_PROXY: "http://proxy.example:3128" };
  const plan = makePlan({ spec, goMod: parseGoMod("module example.com/app\n\ngo 1.24\n"), options: { ...options, buildArgs } });
  const found = planWarnings(plan, warningRanges(spec)).filter((w) => w.rule === "CredentialsInBuildArg");
  assert.equal(found.length, 1);
  assert.equal(found[0]?.range.start.line, 1);
  assert.match(found[0]?.message ?? "", /^ALL_PROXY, GOPROXY, HTTPS_PROXY carry credentials .*--secret id=netrc/);
  assert.ok(!/tok3n|pw@|u:p@/.test(found[0]?.message ?? ""));
  const clean = makePlan({ spec: parseSpec("# syntax=slimgo:dev\n"), goMod: parseGoMod("module example.com/app\n\ngo 1.24\n"), options: { ...options, buildArgs: { GOPROXY: "https://proxy.example" } } });
  assert.deepEqual(planWarnings(clean, warningRanges(parseSpec("# syntax=slimgo:dev\n"))), []);
});
