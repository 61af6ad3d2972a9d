/**
 * `--build-context IMAGE=docker-image://…` and `=oci-layout://…` replace the
 * base image named in the spec, as they replace a Dockerfile's FROM: the spec
 * names an image no registry has, and the build context supplies it.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { buildx, imageFiles, run } from "../support/docker.js";
import { plainProject, runImage } from "../support/fixture.js";

const STANDIN = "slimgo-test/distroless-static:nonroot";
const TAG = `slimgo-e2e-contexts:${process.pid}`;
const project = plainProject("main: ./cmd/plain\nbase: nowhere.invalid/base:nonroot\n");
let layoutRoot: string;

before(async () => {
  const built = await run("docker", ["build", "-q", "-t", STANDIN, "test/fixtures/images/distroless-standin"]);
  assert.equal(built.code, 0, `building the distroless stand-in failed:\n${built.stderr}`);
  // The containerd image store saves an OCI layout (index.json, blobs/), tagged by ref.name "nonroot".
  layoutRoot = mkdtempSync(join(tmpdir(), "slimgo-e2e-layout-"));
  mkdirSync(join(layoutRoot, "layout"));
  const saved = await run("sh", ["-c", `docker save ${STANDIN} | tar -x -C ${join(layoutRoot, "layout")}`]);
  assert.equal(saved.code, 0, saved.stderr);
});

after(async () => {
  if (layoutRoot) rmSync(layoutRoot, { recursive: true, force: true });
  await run("docker", ["image", "rm", "-f", TAG]);
});

async function buildWith(context: string) {
  const res = await buildx({ dir: project.dir, tag: TAG, buildArgs: project.buildArgs, extra: ["--network=host", "--build-context", `nowhere.invalid/base:nonroot=${context}`] });
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  const files = await imageFiles(TAG);
  assert.ok(files.has("/etc/passwd") && files.has("/usr/local/bin/plain"), "the image is not the stand-in plus the binary");
  assert.match(await runImage(TAG), /^hello from plain .* uid=65532/);
  return res.stderr;
}

test("--build-context BASE=docker-image://REF builds on REF", async () => {
  const log = await buildWith(`docker-image://${STANDIN}`);
  assert.match(log, new RegExp(`load metadata for docker.io/${STANDIN}`));
});

test("--build-context BASE=oci-layout://DIR:TAG builds on the image in the layout", async () => {
  const log = await buildWith(`oci-layout://${join(layoutRoot, "layout")}:nonroot`);
  assert.match(log, /oci-layout:\/\/docker\.io\/nowhere\.invalid|load metadata for nowhere\.invalid\/base:nonroot@sha256:/);
});

test("without the build context, the base that no registry has fails on the base line", async () => {
  const res = await buildx({ dir: project.dir, tag: TAG, buildArgs: project.buildArgs, extra: ["--network=host"] });
  assert.notEqual(res.code, 0);
  assert.match(res.stderr, /base image nowhere\.invalid\/base:nonroot is not available/);
});
