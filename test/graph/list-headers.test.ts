/**
 * The go list step reads the Go files' headers when the frontend has them:
 * its source mount is a file op holding them, keyed on their bytes, while
 * go build still mounts the whole context. With vendor/ it reads the source.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import { type Definition, type Op, OpSchema } from "../../src/gen/pb/ops_pb.js";
import { definitionDigests } from "../../src/llb/index.js";
import { SRC_DIR } from "../../src/graph/paths.js";
import type { GoHeaders } from "../../src/types.js";
import { recipeDefinitions } from "./recipe.js";

const GO_MOD = "module example.com/app\n\ngo 1.24\n\nrequire github.com/google/uuid v1.6.0\n";
const SPEC = "main: ./cmd/app\n";
const headers = (imports: string): GoHeaders => ({ files: [{ path: "cmd/app/main.go", header: new TextEncoder().encode(`package main\n\nimport ${imports}`) }] });

/** The op behind the mount at `dest` of the exec op named `step`. */
function mountSource(def: Definition, step: string, dest: string): { op: Op; digest: string } {
  const digests = definitionDigests(def);
  const ops = new Map(digests.map((d, i) => [d, fromBinary(OpSchema, def.def[i] as Uint8Array)]));
  const named = digests.find((d) => def.metadata[d]?.description["llb.customname"] === step);
  const exec = named === undefined ? undefined : ops.get(named);
  assert.ok(exec?.op.case === "exec", `no step ${step}`);
  const mount = exec.op.value.mounts.find((m) => m.dest === dest);
  assert.ok(mount, `${step} mounts nothing at ${dest}`);
  const input = exec.inputs[Number(mount.input)];
  assert.ok(input, `${step}: the mount at ${dest} has no input`);
  return { op: ops.get(input.digest) as Op, digest: input.digest };
}

test("with headers, go list mounts them and go build the context", () => {
  const { defs } = recipeDefinitions({ spec: SPEC, goMod: GO_MOD, inputs: { goHeaders: headers('"github.com/google/uuid"') } });
  const def = defs[0] as Definition;
  const listed = mountSource(def, "go list -deps ./cmd/app", SRC_DIR);
  assert.equal(listed.op.op.case, "file", "go list should read the header tree");
  const built = mountSource(def, "go build ./cmd/app", SRC_DIR);
  assert.equal(built.op.op.case, "source", "go build reads the whole context");
});

test("the header tree changes with the imports and only with them", () => {
  const tree = (imports: string) => mountSource(recipeDefinitions({ spec: SPEC, goMod: GO_MOD, inputs: { goHeaders: headers(imports) } }).defs[0] as Definition, "go list -deps ./cmd/app", SRC_DIR).digest;
  assert.equal(tree('"github.com/google/uuid"'), tree('"github.com/google/uuid"'));
  assert.notEqual(tree('"github.com/google/uuid"'), tree('(\n\t"github.com/google/uuid"\n\t"net/http"\n)'));
});

test("with vendor/, go list reads the source even when headers are given", () => {
  const { defs } = recipeDefinitions({ spec: SPEC, goMod: GO_MOD, input: { vendored: true }, inputs: { goHeaders: headers('"github.com/google/uuid"') } });
  assert.equal(mountSource(defs[0] as Definition, "go list -deps ./cmd/app", SRC_DIR).op.op.case, "source");
});

test("the header tree is keyed on content: its local input is only ever a copy's source", () => {
  // BuildKit keys a file op's input on its content only when a copy reads from it; an input that mkdir or
  // mkfile write onto is keyed by the session, so the op would run again on every build.
  const { defs } = recipeDefinitions({ spec: SPEC, goMod: GO_MOD, inputs: { goHeaders: headers('"github.com/google/uuid"') } });
  const { op } = mountSource(defs[0] as Definition, "go list -deps ./cmd/app", SRC_DIR);
  assert.ok(op.op.case === "file");
  const inputs = op.inputs.length;
  assert.equal(inputs, 1, "the module files' local source is the one input");
  const actions = op.op.value.actions;
  assert.ok(actions.some((a) => a.action.case === "mkfile"), "the headers are written");
  for (const a of actions) {
    const writesOntoInput = a.input >= 0n && a.input < BigInt(inputs);
    assert.ok(!writesOntoInput, `a ${a.action.case} action writes onto input ${a.input}`);
  }
  const copies = actions.filter((a) => a.action.case === "copy");
  assert.deepEqual(copies.map((a) => a.secondaryInput), [0n], "one copy reads the module files");
});
