/** A go.work monorepo: the download step sees go.work and each module's go.mod/go.sum, and main's module names the binary. */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { type GoProxy, prefetchModules, startGoProxy } from "../../scripts/goproxy.js";
import { buildx, requireEngine, run } from "../support/docker.js";
import { FRONTEND, copyFixture, fixturePath, runImage } from "../support/fixture.js";

const TAG = `slimgo-e2e-workspace:${process.pid}`;
let proxy: GoProxy;

before(async () => {
  await requireEngine(FRONTEND);
  proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), [fixturePath("workspace/api")]));
});

after(async () => {
  await proxy?.close();
  await run("docker", ["image", "rm", "-f", TAG]);
});

test("a go.work workspace builds the module that holds main", async () => {
  const project = copyFixture("workspace", "main: ./api\n");
  try {
    const res = await buildx({ dir: project.dir, tag: TAG, buildArgs: { GOPROXY: proxy.url, GOSUMDB: "off" }, extra: ["--network=host"] });
    assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
    assert.match(res.stderr, /verified api linux\/amd64: static amd64 ELF/);
    assert.equal((await runImage(TAG)).trim(), "hello from the workspace lib 80bf7542");
  } finally {
    project.remove();
  }
});

test("a go.work `use` that is not in the context fails on its go.work line", async () => {
  const project = copyFixture("workspace", "main: ./api\n");
  try {
    writeFileSync(join(project.dir, "go.work"), "go 1.24\n\nuse (\n\t./api\n\t./libs\n)\n");
    const res = await buildx({ dir: project.dir, tag: `${TAG}-bad` });
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /go\.work:5:1: use \.\/libs: libs\/go\.mod is not in the build context/);
  } finally {
    project.remove();
  }
});
