/** Local `replace` directories: the download step sees their go.mod, and one outside the context is named on its go.mod line. */
import assert from "node:assert/strict";
import { renameSync, rmSync, writeFileSync } from "node:fs";
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

/** The replace fixture with its local module moved beside the context, as in a repo of several modules. */
function siblingLayout() {
  const project = copyFixture("replace", "main: ./cmd/app\n");
  const greet = `${project.dir}-greet`;
  renameSync(join(project.dir, "libs/greet"), greet);
  writeFileSync(
    join(project.dir, "go.mod"),
    "module example.com/replace\n\ngo 1.24\n\nrequire (\n\texample.com/greet v0.0.0\n\tgithub.com/google/uuid v1.6.0\n)\n\nreplace example.com/greet => ../greet\n",
  );
  return { dir: project.dir, greet, remove: () => (project.remove(), rmSync(greet, { recursive: true, force: true })) };
}

test("a replace pointing outside the build context fails on its go.mod line, naming the fix", async () => {
  const project = siblingLayout();
  try {
    const res = await buildx({ dir: project.dir, tag: `${TAG}-bad` });
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /go\.mod:10:1: replace example\.com\/greet => \.\.\/greet points outside the build context.*--build-context greet=/);
    assert.match(res.stderr, />>>\s+replace example\.com\/greet => \.\.\/greet/, "buildx did not frame the go.mod line");
  } finally {
    project.remove();
  }
});

test("--build-context supplies a replace target that lives outside the context", async () => {
  const project = siblingLayout();
  try {
    const res = await buildx({
      dir: project.dir,
      tag: TAG,
      buildArgs: { GOPROXY: proxy.url, GOSUMDB: "off" },
      extra: ["--network=host", "--build-context", `greet=${project.greet}`],
    });
    assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
    assert.equal((await runImage(TAG)).trim(), "hello replace 9db8ae90");
  } finally {
    project.remove();
  }
});

test("a module with a local replace passes the system self-check under base: static", async () => {
  const project = copyFixture("replace", "main: ./cmd/selfcheck\n");
  const tag = `${TAG}-selfcheck`;
  try {
    const res = await buildx({ dir: project.dir, tag, buildArgs: { GOPROXY: proxy.url, GOSUMDB: "off" }, extra: ["--network=host"] });
    assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
    assert.equal(
      (await runImage(tag)).trim(),
      ["hello selfcheck 745029b9", "ok user: nonroot /home/nonroot", "ok certs: system pool loaded", "ok tz: CEST", "ok dns: true", "ok tmp: /tmp"].join("\n"),
    );
  } finally {
    project.remove();
    await run("docker", ["image", "rm", "-f", tag]);
  }
});
