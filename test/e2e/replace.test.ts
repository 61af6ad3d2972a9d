/** Local `replace` directories: the download step sees their go.mod, and one outside the context is named on its go.mod line. */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { type GoProxy, prefetchModules, startGoProxy } from "../../scripts/goproxy.js";
import { buildx, requireEngine, run } from "../support/docker.js";
import { FRONTEND, copyFixture, fixturePath, runImage } from "../support/fixture.js";

const TAG = `slimgo-e2e-replace:${process.pid}`;
let proxy: GoProxy;

before(async () => {
  await requireEngine(FRONTEND);
  proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), [fixturePath("replace")]));
});

after(async () => {
  await proxy?.close();
  await run("docker", ["image", "rm", "-f", TAG]);
});

test("a module with a local replace directory builds and runs", async () => {
  const project = copyFixture("replace", "main: ./cmd/app\n");
  try {
    const res = await buildx({ dir: project.dir, tag: TAG, buildArgs: { GOPROXY: proxy.url, GOSUMDB: "off" }, extra: ["--network=host"] });
    assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
    assert.equal((await runImage(TAG)).trim(), "hello replace 9db8ae90");
  } finally {
    project.remove();
  }
});

test("a replace pointing outside the build context fails on its go.mod line", async () => {
  const project = copyFixture("replace", "main: ./cmd/app\n");
  try {
    const goMod = join(project.dir, "go.mod");
    writeFileSync(goMod, "module example.com/replace\n\ngo 1.24\n\nrequire example.com/greet v0.0.0\n\nreplace example.com/greet => ../greet\n");
    const res = await buildx({ dir: project.dir, tag: `${TAG}-bad` });
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /go\.mod:7:1: replace example\.com\/greet => \.\.\/greet points outside the build context/);
    assert.match(res.stderr, />>>\s+replace example\.com\/greet => \.\.\/greet/, "buildx did not frame the go.mod line");
  } finally {
    project.remove();
  }
});
