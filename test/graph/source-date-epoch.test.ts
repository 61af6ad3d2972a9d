/** SOURCE_DATE_EPOCH: every file action of the final stage carries the time; without it none does; a bad value is named. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import { type Definition, OpSchema } from "../../src/gen/pb/ops_pb.js";
import { sourceDateEpoch } from "../../src/plan/source-date-epoch.js";
import { SpecErrors } from "../../src/spec/index.js";
import { recipeDefinitions } from "./recipe.js";

const spec = "# syntax=slimgo:dev\nmain: ./cmd/api\nfiles:\n  - {src: config/, dest: /etc/app/, mode: \"0640\"}\n";
const goMod = "module example.com/app\n\ngo 1.24\n";

/** [kind, timestamp] of each file action in the definition. */
function fileTimestamps(def: Definition): Array<[string, bigint]> {
  return def.def.flatMap((bytes) => {
    const op = fromBinary(OpSchema, bytes);
    if (op.op.case !== "file") return [];
    return op.op.value.actions.flatMap((a): Array<[string, bigint]> => {
      const act = a.action;
      return act.case === "copy" || act.case === "mkdir" || act.case === "mkfile" ? [[act.case, act.value.timestamp]] : [];
    });
  });
}

test("with SOURCE_DATE_EPOCH the files:, mkdir and binary copies carry it, in nanoseconds", () => {
  const { plan, defs } = recipeDefinitions({ spec, goMod, buildArgs: { SOURCE_DATE_EPOCH: "1700000000" } });
  assert.equal(plan.sourceDateEpoch, 1700000000);
  const stamps = defs.flatMap(fileTimestamps);
  assert.deepEqual(stamps.map(([k]) => k).sort(), ["copy", "copy", "mkdir"]);
  for (const [kind, ts] of stamps) assert.equal(ts, 1_700_000_000_000_000_000n, kind);
});

test("without it BuildKit keeps each file's own time", () => {
  const { plan, defs } = recipeDefinitions({ spec, goMod });
  assert.equal(plan.sourceDateEpoch, undefined);
  for (const [kind, ts] of defs.flatMap(fileTimestamps)) assert.equal(ts, -1n, kind);
});

test("the build arg is whole seconds; anything else is named with the fix", () => {
  assert.equal(sourceDateEpoch({ SOURCE_DATE_EPOCH: " 0 " }), 0);
  assert.equal(sourceDateEpoch({ SOURCE_DATE_EPOCH: "" }), undefined);
  assert.equal(sourceDateEpoch({}), undefined);
  for (const bad of ["-1", "1.5", "2024-01-01", "1e9", "9999999999999"]) {
    const p = sourceDateEpoch({ SOURCE_DATE_EPOCH: bad });
    assert.ok(typeof p === "object" && /is not whole seconds since 1970/.test(p.message), bad);
  }
  assert.throws(() => recipeDefinitions({ spec, goMod, buildArgs: { SOURCE_DATE_EPOCH: "yesterday" } }), (e: unknown) => e instanceof SpecErrors && /SOURCE_DATE_EPOCH=yesterday is not whole seconds/.test(e.message));
});
