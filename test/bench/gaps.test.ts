import assert from "node:assert/strict";
import { test } from "node:test";
import { NAMES } from "../../bench/contenders.js";
import { type Row, SCENARIOS, gapLine } from "../../bench/report.js";
import { STEPS, compiledPackages } from "../../bench/runners.js";

const row = (contender: string, seconds: number, steps: Partial<Record<(typeof STEPS)[number], number>>): Row => ({
  scenario: SCENARIOS.goMod,
  contender,
  seconds: [seconds],
  zips: [1],
  steps: Object.fromEntries(STEPS.map((n) => [n, [steps[n] ?? 0]])),
  note: "",
});

test("a gap is split into the steps' differences and the rest", () => {
  const rows = [
    row(NAMES.slimgo, 3.3, { "go mod download": 0.6, "go list -deps": 0.2, "compile the dependencies": 0.8, "go build": 0.6 }),
    row(NAMES.expertSyntax, 1.5, { "go mod download": 0.5, "go build": 0.7 }),
  ];
  assert.equal(
    gapLine(rows, SCENARIOS.goMod),
    `- ${SCENARIOS.goMod}: 3.30 s against 1.50 s, +1.80 s: go mod download +0.1 s, go list -deps +0.2 s, compile the dependencies +0.8 s, go build −0.1 s, the rest (frontend, solve and cache checks, export, client) +0.80 s`,
  );
});

test("no line where slimgo is not slower, or a row is missing", () => {
  assert.equal(gapLine([row(NAMES.slimgo, 1, {}), row(NAMES.expertSyntax, 1.2, {})], SCENARIOS.goMod), undefined);
  assert.equal(gapLine([row(NAMES.slimgo, 1, {})], SCENARIOS.goMod), undefined);
});

test("slimgo's compiled-package count is read from its build step's line, summed over platforms", () => {
  const log = "#17 0.2 slimgo: compiled 1 package; the others came from the go-build cache\n#18 0.3 slimgo: compiled 3 packages; the others came from the go-build cache\n";
  assert.equal(compiledPackages(log), 4);
  assert.equal(compiledPackages("#1 DONE 0.0s\n"), undefined);
});
