import assert from "node:assert/strict";
import { test } from "node:test";
import { parseGoMod } from "../../src/gomod/index.js";
import { makePlan } from "../../src/plan/index.js";
import { parseGoListReport } from "../../src/server/go-list-report.js";
import { reportWarnings, warningRanges } from "../../src/server/warnings.js";
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
