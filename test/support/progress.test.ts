/** Reading plain progress: local cache hits, imported cache layers, steps that ran, platform prefixes. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { describeStep, stepLog, stepReport } from "./progress.js";

const LOG = [
  "#10 [linux/arm64] go build ./cmd/plain",
  "#10 CACHED",
  "#11 go mod download",
  "#11 ...",
  "#11 go mod download",
  "#11 extracting sha256:71af46bc8ad0277e862292a638c58140d6f9e972b5e95b837257f9d0adcfd027 0.1s done",
  "#11 DONE 0.3s",
  "#12 [linux/amd64] go build ./cmd/plain",
  "#12 DONE 33.8s",
  "",
].join("\n");

test("a step restored from an imported cache counts as cached", () => {
  assert.deepEqual(stepReport(LOG, "go mod download"), { state: "cached" });
});

test("the platform prefix tells two compiles apart", () => {
  assert.deepEqual(stepReport(LOG, "[linux/arm64] go build ./cmd/plain"), { state: "cached" });
  assert.deepEqual(stepReport(LOG, "[linux/amd64] go build ./cmd/plain"), { state: "ran", seconds: 33.8 });
  assert.equal(describeStep(stepReport(LOG, "go build ./cmd/plain")), "ran in 33.8s");
  assert.deepEqual(stepReport(LOG, "go vet"), { state: "absent" });
});

test("stepLog keeps only the named step's lines", () => {
  assert.equal(stepLog(LOG, "[linux/amd64] go build ./cmd/plain"), "#12 [linux/amd64] go build ./cmd/plain\n#12 DONE 33.8s");
});
