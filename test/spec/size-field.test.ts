import assert from "node:assert/strict";
import { test } from "node:test";
import { SpecErrors, parseSpec } from "../../src/spec/index.js";

test("size: budget in bytes or with a unit, share as a percentage or fraction", () => {
  assert.deepEqual(parseSpec("size: {budget: 12MB, warnModuleShare: 25%}\n").spec.size, { budget: 12_000_000, warnModuleShare: 0.25 });
  assert.deepEqual(parseSpec("size:\n  budget: 11.5 MiB\n  warnModuleShare: 0.3\n").spec.size, { budget: 12_058_624, warnModuleShare: 0.3 });
  assert.deepEqual(parseSpec("size: {budget: 800000}\n").spec.size, { budget: 800_000 });
  assert.equal(parseSpec("main: .\n").spec.size, undefined);
});

test("size: each bad value is reported on itself", () => {
  let message = "";
  try {
    parseSpec("size:\n  budget: 12 potatoes\n  warnModuleShare: 250%\n  limit: 3\n");
  } catch (err) {
    assert.ok(err instanceof SpecErrors);
    message = err.message;
  }
  assert.equal(
    message,
    [
      'slimgo.yaml:2:11: size.budget: "12 potatoes" is not a size (like "12MB", "11.5MiB" or 800KB)',
      'slimgo.yaml:3:20: size.warnModuleShare: "250%" is not between 0 and 100%',
      'slimgo.yaml:4:3: size: unknown key "limit" (size has budget and warnModuleShare)',
    ].join("\n"),
  );
});
