/** cgo code in the module while `cgo: false` is caught before any image exists, on the spec's cgo line. */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { buildx, requireEngine } from "../support/docker.js";
import { FRONTEND, copyFixture } from "../support/fixture.js";

before(() => requireEngine(FRONTEND));

test("cgo: false with import \"C\" in the module fails with the one-line cgo message", async () => {
  const project = copyFixture("cgo-in-module", "cgo: false\n");
  try {
    const res = await buildx({ dir: project.dir, tag: `slimgo-e2e-cgo:${process.pid}` });
    assert.notEqual(res.code, 0, "the build should fail");
    assert.match(
      res.stderr,
      /InvalidArgument: cgo is off, but example\.com\/cgoapp\/internal\/cmath uses cgo \(import "C"\): set `cgo: true`/,
    );
    assert.match(res.stderr, />>>\s+cgo: false/, "buildx did not frame the spec's cgo line");
  } finally {
    project.remove();
  }
});
