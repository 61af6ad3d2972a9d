/** `base: distroless`: the binary on a distroless-style image (a local stand-in, named by build arg), checked from inside. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { buildx, requireEngine, run } from "../support/docker.js";
import { FRONTEND, copyFixture, runImage } from "../support/fixture.js";

const STANDIN = "slimgo-test/distroless-static:nonroot";
const TAG = `slimgo-e2e-distroless:${process.pid}`;
let project: ReturnType<typeof copyFixture>;

before(async () => {
  await requireEngine(FRONTEND);
  const built = await run("docker", ["build", "-q", "-t", STANDIN, "test/fixtures/images/distroless-standin"]);
  assert.equal(built.code, 0, `building the distroless stand-in failed:\n${built.stderr}`);
  project = copyFixture("selfcheck", "base: distroless\n");
});

after(async () => {
  project?.remove();
  await run("docker", ["image", "rm", "-f", TAG]);
});

test("the self-check passes on base: distroless", async () => {
  const res = await buildx({ dir: project.dir, tag: TAG, buildArgs: { SLIMGO_DISTROLESS_IMAGE: STANDIN } });
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  assert.match(res.stderr, new RegExp(`load metadata for docker.io/${STANDIN}`), "the build did not use the stand-in");
  const out = await runImage(TAG);
  assert.equal(
    out.trim(),
    ["ok user: nonroot /home/nonroot", "ok certs: system pool loaded", "ok tz: CEST", "ok dns: true", "ok tmp: /tmp"].join("\n"),
  );
  const inspect = JSON.parse((await run("docker", ["image", "inspect", TAG])).stdout)[0];
  assert.deepEqual(inspect.Config.Entrypoint, ["/usr/local/bin/selfcheck"]);
  assert.equal(inspect.Config.User, "65532:65532");
});
