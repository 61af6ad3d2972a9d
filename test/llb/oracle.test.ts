/**
 * Byte-for-byte comparison with BuildKit's Go client/llb: every golden in
 * test/golden/llb was written by test/llb-oracle (run.sh regenerates and
 * checks them); the same graph built here must marshal to the same bytes.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { DefinitionSchema, OpSchema } from "../../src/gen/pb/ops_pb.js";
import { definitionDigests, marshal } from "../../src/llb/index.js";
import { oracleGraphs } from "./oracle-graphs.js";

const GOLDEN_DIR = new URL("../golden/llb/", import.meta.url);

interface Golden {
  readonly name: string;
  readonly definition: string;
  readonly digests: readonly string[];
}

const goldens: Golden[] = readdirSync(GOLDEN_DIR)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, GOLDEN_DIR), "utf8")) as Golden);

test("every golden has a TypeScript graph and every graph a golden", () => {
  assert.ok(goldens.length >= 12, `only ${goldens.length} goldens`);
  assert.deepEqual(goldens.map((g) => g.name).sort(), Object.keys(oracleGraphs).sort());
});

for (const golden of goldens) {
  test(`matches BuildKit client/llb: ${golden.name}`, () => {
    const build = oracleGraphs[golden.name];
    assert.ok(build, `no graph named ${golden.name} in oracle-graphs.ts`);
    const { state, opts } = build();
    const def = marshal(state, opts);
    const want = Buffer.from(golden.definition, "base64");

    assert.deepEqual(definitionDigests(def), golden.digests, "op digests");
    // Compare op by op first: a mismatch then names the op, with readable JSON.
    const wantDef = fromBinary(DefinitionSchema, new Uint8Array(want));
    def.def.forEach((bytes, i) => {
      const expected = wantDef.def[i];
      if (expected === undefined || Buffer.compare(Buffer.from(bytes), Buffer.from(expected)) !== 0) {
        assert.deepEqual(
          fromBinary(OpSchema, bytes),
          expected && fromBinary(OpSchema, expected),
          `op ${i} (${golden.digests[i]}) differs`,
        );
        assert.equal(Buffer.from(bytes).toString("hex"), Buffer.from(expected ?? []).toString("hex"), `op ${i} bytes`);
      }
    });
    assert.deepEqual(def.metadata, wantDef.metadata, "metadata");
    assert.deepEqual(def.Source, wantDef.Source, "source map");
    assert.equal(Buffer.from(toBinary(DefinitionSchema, def)).toString("hex"), want.toString("hex"), "definition bytes");
  });
}
