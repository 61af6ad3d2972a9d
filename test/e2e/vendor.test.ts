/** A module with vendor/: built with -mod=vendor, and no download step at all (its dependency exists on no proxy). */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { buildx, requireEngine, run, stepState } from "../support/docker.js";
import { FRONTEND, copyFixture, runImage } from "../support/fixture.js";

const TAG = `slimgo-e2e-vendored:${process.pid}`;
let project: ReturnType<typeof copyFixture>;

before(async () => {
  await requireEngine(FRONTEND);
  project = copyFixture("vendored", "");
});

after(async () => {
  project?.remove();
  await run("docker", ["image", "rm", "-f", TAG]);
});

test("vendor/ builds with -mod=vendor and skips go mod download", async () => {
  const res = await buildx({ dir: project.dir, tag: TAG });
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  assert.equal(stepState(res.stderr, "go mod download"), "absent");
  assert.equal((await runImage(TAG)).trim(), "hello from vendor/");
});
