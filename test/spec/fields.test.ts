import assert from "node:assert/strict";
import { test } from "node:test";
import { FIELD_NAMES, SPEC_FIELDS, closest, didYouMean, editDistance, parseSpec } from "../../src/spec/index.js";

test("the field table lists each field once, in the docs' order", () => {
  assert.deepEqual(FIELD_NAMES, ["main", "name", "go", "builder", "cgo", "link", "tags", "ldflags", "buildEnv", "base", "user", "env", "ports", "args", "labels", "healthcheck", "stopSignal", "annotations", "workdir", "compress", "files", "size", "description", "include", "caCerts"]);
});

test("the table's defaults are the values an empty spec gets", () => {
  const { spec } = parseSpec("# syntax=slimgo:dev\n");
  const fromTable = Object.fromEntries(SPEC_FIELDS.filter((f) => f.default !== undefined).map((f) => [f.name, f.default]));
  assert.deepEqual(spec, fromTable);
});

test("every field has a description and a default for the docs", () => {
  for (const f of SPEC_FIELDS) {
    assert.notEqual(f.description, "", f.name);
    assert.notEqual(f.defaultText, "", f.name);
  }
});

test("edit distance counts a transposition as one edit", () => {
  assert.equal(editDistance("mian", "main"), 1);
  assert.equal(editDistance("requre", "require"), 1);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("kitten", "sitting"), 3);
});

test("suggestions only for likely typos", () => {
  assert.equal(closest("BASE", FIELD_NAMES), "base");
  assert.equal(closest("build_env", FIELD_NAMES), "buildEnv");
  assert.equal(closest("port", FIELD_NAMES), "ports");
  assert.equal(closest("gp", FIELD_NAMES), "go");
  assert.equal(closest("xyz", FIELD_NAMES), undefined);
  assert.equal(closest("entrypoint", FIELD_NAMES), undefined);
  assert.equal(didYouMean("lables", FIELD_NAMES), 'did you mean "labels"?');
});
