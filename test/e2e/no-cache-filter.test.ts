/** `--no-cache-filter` through the real engine: only the named steps run again; the rest stay CACHED. */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { buildx, run, stepState } from "../support/docker.js";
import { plainProject } from "../support/fixture.js";

const TAG = `slimgo-e2e-nocache:${process.pid}`;
const project = plainProject("main: ./cmd/plain\n");
after(() => run("docker", ["image", "rm", "-f", TAG]));

const build = (...extra: string[]) => buildx({ dir: project.dir, tag: TAG, buildArgs: project.buildArgs, extra: ["--network=host", ...extra] });

test("--no-cache-filter build reruns go list and go build, and keeps the download and dependency steps cached", async () => {
  const first = await build();
  assert.equal(first.code, 0, `build failed:\n${first.stderr.slice(-4000)}`);
  const again = await build("--no-cache-filter", "build");
  assert.equal(again.code, 0, `build failed:\n${again.stderr.slice(-4000)}`);
  assert.equal(stepState(again.stderr, "go mod download"), "cached");
  assert.equal(stepState(again.stderr, "compile the dependencies of ./cmd/plain"), "cached");
  assert.equal(stepState(again.stderr, "go build ./cmd/plain"), "ran");
  assert.equal(stepState(again.stderr, "go list -deps ./cmd/plain"), "ran");
});

test("--no-cache-filter with a name that is no step or target fails with the names that work", async () => {
  const res = await build("--no-cache-filter", "compile");
  assert.notEqual(res.code, 0);
  assert.match(res.stderr, /--no-cache-filter compile: no step or target by that name \(use one of download, deps, build, plain\)/);
});
