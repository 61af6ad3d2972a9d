import assert from "node:assert/strict";
import { test } from "node:test";
import { mutate, mutateText, tokens } from "../../fuzz/mutate.js";
import { rngFor } from "../../fuzz/prng.js";

const INPUT = new TextEncoder().encode("# syntax=slimgo:dev\nmain: ./cmd/api\ntargets:\n  api: {ports: [8080]}\n");
const dictionary = tokens(["&a ", "*a", "? "]);

test("a mutant is a pure function of the seed: the same stream gives the same bytes, the input is untouched", () => {
  const before = Uint8Array.from(INPUT);
  for (let i = 0; i < 200; i++) {
    const a = mutate(rngFor("m", i), INPUT, { dictionary, other: () => INPUT });
    const b = mutate(rngFor("m", i), INPUT, { dictionary, other: () => INPUT });
    assert.deepEqual(a, b, `input ${i}`);
  }
  assert.deepEqual(INPUT, before);
});

test("different seeds give different mutants, within the length bound", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const out = mutate(rngFor("bound", i), INPUT, { dictionary, maxLength: INPUT.length + 16 });
    assert.ok(out.length <= INPUT.length + 16, `input ${i} has ${out.length} bytes`);
    seen.add(Buffer.from(out).toString("hex"));
  }
  assert.ok(seen.size > 150, `only ${seen.size} distinct mutants of 200`);
});

test("text mutation is deterministic too", () => {
  assert.equal(mutateText(rngFor("t", 1), "module example.com/app\n"), mutateText(rngFor("t", 1), "module example.com/app\n"));
});

test("field mutation writes an interesting value at one of the given fields", () => {
  const input = new Uint8Array(16);
  // One op per mutant: count those that changed the field and nothing else.
  let hit = 0;
  for (let i = 0; i < 100; i++) {
    const o = mutate(rngFor("f", i), input, { rounds: 1, fields: () => [{ offset: 4, width: 4, littleEndian: true }] });
    if (o.length === 16 && o.subarray(0, 4).every((b) => b === 0) && o.subarray(8).every((b) => b === 0) && o.subarray(4, 8).some((b) => b !== 0)) hit++;
  }
  assert.ok(hit > 5, `the field op hit ${hit} times in 100`);
});
