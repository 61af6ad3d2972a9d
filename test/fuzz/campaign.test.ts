/** A short campaign over a toy target: every way an input can end is seen, classified and keyed once. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runCampaign } from "../../fuzz/campaign.js";
import { groupHits } from "../../fuzz/findings.js";

test("the campaign reports crashes, invariants, hangs, stalls and heap exhaustion, and keeps going after each", async () => {
  const result = await runCampaign({
    target: "toy",
    config: { targetModule: new URL("./toy-target.ts", import.meta.url).href, root: process.cwd(), goBinaries: [], seed: "test", limits: { slowMs: 1000, memoryMb: 256 } },
    inputs: 40,
    seconds: 60,
    workers: 2,
    limits: { slowMs: 1000, memoryMb: 256 },
    hangMs: 1000,
    resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 },
    familyBudget: 1,
    hardMemoryMb: 2048,
  });
  const distinct = groupHits(result.hits);
  const kinds = new Map(distinct.map((d) => [d.key, d.kind]));
  assert.deepEqual([...new Set(kinds.values())].sort(), ["crash", "hang", "invariant", "oom", "stall"]);
  assert.ok([...kinds.keys()].some((k) => /^toy\|crash\|TypeError\|.*toy-target\.ts/.test(k)), [...kinds.keys()].join("\n"));
  // The hang was stopped by the debugger in the toy's loop, and that is its key.
  assert.ok([...kinds.keys()].some((k) => /^toy\|hang\|.*toy-target\.ts:\d+\)$/.test(k)), [...kinds.keys()].join("\n"));
  // Every input ran once or was skipped; a family that hung is fed no more (but the other worker may have been running one too).
  assert.equal(result.ran + result.skipped, 40);
  const hangs = distinct.filter((d) => d.kind === "hang").reduce((n, d) => n + d.hits, 0);
  assert.ok(hangs >= 1 && hangs <= 2, `${hangs} hangs`);
});
