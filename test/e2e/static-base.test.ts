/** What a Go service expects from its system, proven from inside the `base: static` image. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { buildx, requireEngine, run } from "../support/docker.js";
import { FRONTEND, copyFixture, runImage } from "../support/fixture.js";

const TAG = `slimgo-e2e-selfcheck:${process.pid}`;
let project: ReturnType<typeof copyFixture>;

before(async () => {
  await requireEngine(FRONTEND);
  project = copyFixture("selfcheck", ""); // the empty spec: every default
});

after(async () => {
  project?.remove();
  await run("docker", ["image", "rm", "-f", TAG]);
});

test("os/user, CA certs, zoneinfo, DNS and /tmp work in the static base", async () => {
  const res = await buildx({ dir: project.dir, tag: TAG });
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  const out = await runImage(TAG);
  assert.equal(
    out.trim(),
    ["ok user: nonroot /home/nonroot", "ok certs: system pool loaded", "ok tz: CEST", "ok dns: true", "ok tmp: /tmp"].join("\n"),
  );
});
