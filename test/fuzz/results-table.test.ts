import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resultsTable } from "../../fuzz/results-table.js";
import type { TargetReport } from "../../fuzz/report.js";
import { TARGETS } from "../../fuzz/target.js";

const report = (over: Partial<TargetReport>): TargetReport => ({
  target: "gomod",
  inputs: 1_000_000,
  skipped: 0,
  seconds: 312.2,
  inputsPerSecond: 3203,
  stoppedBy: "inputs",
  findings: {},
  unconfirmed: 0,
  maxMs: 891,
  slowest: { index: 7, family: "huge-token" },
  peakRssMb: 371,
  families: {},
  distinct: [],
  ...over,
});

test("README's fuzz table: one row per summary, a time-limited run and findings said as such", () => {
  const table = resultsTable([
    { seed: "slimgo", workers: 2, report: report({}) },
    { seed: "s2", workers: 3, report: report({ target: "gowork", inputs: 275_468, stoppedBy: "seconds", seconds: 1504, findings: { "bad-error": { distinct: 1, hits: 2 } } }) },
  ]);
  assert.deepEqual(table.split("\n").slice(2), [
    "| `gomod` | `slimgo` | 1,000,000 | 5 min 12 s (2) | 3,203 | 891 ms (huge-token) | 371 MiB | 0 |",
    "| `gowork` | `s2` | 275,468 (time limit) | 25 min 4 s (3) | 3,203 | 891 ms (huge-token) | 371 MiB | 1 bad-error (2 hits) |",
  ]);
});

test("make fuzz runs every target the harness has", () => {
  const line = readFileSync("Makefile", "utf8").match(/^FUZZ_TARGETS = (.*)$/m)?.[1] ?? "";
  assert.deepEqual(line.split(" ").sort(), TARGETS.map((t) => t.name).sort());
});
