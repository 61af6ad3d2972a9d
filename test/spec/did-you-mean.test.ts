import assert from "node:assert/strict";
import { test } from "node:test";
import { closest, editDistance } from "../../src/spec/index.js";
import { cpuNow } from "../support/bounded.js";

// The textbook table, for comparison: every cell, no band.
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

// A fixed sequence, so a failure names the same strings every run.
function* words(seed: number, count: number): Generator<[string, string]> {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  const word = () => Array.from({ length: next() % 9 }, () => "abc"[next() % 3]).join("");
  for (let k = 0; k < count; k++) yield [word(), word()];
}

test("with a bound, the distance is exact up to it and bound + 1 beyond", () => {
  for (const [a, b] of words(7, 3000)) {
    const exact = reference(a, b);
    assert.equal(editDistance(a, b), exact, `${a} ${b}`);
    for (const max of [0, 1, 2, 3]) assert.equal(editDistance(a, b, max), Math.min(exact, max + 1), `${a} ${b} within ${max}`);
  }
});

test("long names cost length × bound, not length², in time and memory", () => {
  const a = "x".repeat(300_000);
  const start = cpuNow();
  assert.equal(editDistance(a, `y${a.slice(1, -1)}y`, 2), 2);
  assert.equal(editDistance(a, `y${a}`, 2), 1);
  assert.equal(editDistance(a, "x".repeat(30_000), 2), 3);
  assert.equal(closest(a, ["main", a.slice(2), "y".repeat(300_000)]), a.slice(2));
  assert.ok(cpuNow() - start < 2000);
});
