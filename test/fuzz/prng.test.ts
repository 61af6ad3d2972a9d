import assert from "node:assert/strict";
import { test } from "node:test";
import { rngFor } from "../../fuzz/prng.js";

const draw = (seed: string, index: number) => {
  const rng = rngFor(seed, "spec", index);
  return Array.from({ length: 16 }, () => rng.u32());
};

test("the same seed, target and index give the same stream; any other part gives another", () => {
  assert.deepEqual(draw("slimgo", 7), draw("slimgo", 7));
  assert.notDeepEqual(draw("slimgo", 7), draw("slimgo", 8));
  assert.notDeepEqual(draw("slimgo", 7), draw("ci", 7));
});

test("draws stay in their ranges and weights of zero are never picked", () => {
  const rng = rngFor("ranges");
  for (let i = 0; i < 2000; i++) {
    const n = rng.int(10);
    assert.ok(Number.isInteger(n) && n >= 0 && n < 10);
    const r = rng.range(-3, 3);
    assert.ok(r >= -3 && r <= 3);
    assert.ok(rng.int(2 ** 40) < 2 ** 40);
    assert.notEqual(rng.weighted([{ weight: 0, v: "never" }, { weight: 1, v: "always" }]).v, "never");
  }
  assert.equal(rng.int(0), 0);
  assert.equal(rng.bytes(13).length, 13);
});
