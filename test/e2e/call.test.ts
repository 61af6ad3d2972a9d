/** `docker buildx build --call check|targets|outline`: answered from the spec and go.mod, without building. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { requireEngine, run } from "../support/docker.js";
import { FRONTEND, copyFixture } from "../support/fixture.js";

let good: ReturnType<typeof copyFixture>;

before(async () => {
  await requireEngine(FRONTEND);
  good = copyFixture("plain", "main: ./cmd/plain\ncgo: true\nlink: static\n");
});

after(() => good?.remove());

const call = (what: string, dir: string) => run("docker", ["buildx", "build", "--call", what, "-f", `${dir}/slimgo.yaml`, dir]);

test("--call check reports plan warnings on their spec line", async () => {
  const res = await call("check", good.dir);
  const out = res.stdout + res.stderr;
  assert.match(out, /StaticGlibc/);
  assert.match(out, /link: static puts glibc in the binary/);
  assert.doesNotMatch(out, /go build/, "check must not build");
});

test("--call check on a broken spec gives the build's message and fails", async () => {
  const bad = copyFixture("plain", "mian: ./cmd/plain\n");
  try {
    const res = await call("check", bad.dir);
    assert.notEqual(res.code, 0);
    assert.match(res.stdout + res.stderr, /slimgo\.yaml:2:1: unknown field "mian" \(did you mean "main"\?\)/);
  } finally {
    bad.remove();
  }
});

test("--call targets lists the image the spec builds", async () => {
  const res = await call("targets", good.dir);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /plain \(default\)\s+go build \.\/cmd\/plain into plain on static/);
});

test("--call outline lists the build args slimgo reads", async () => {
  const res = await call("outline", good.dir);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /GOPROXY/);
  assert.match(res.stdout, /SLIMGO_DISTROLESS_IMAGE\s+gcr\.io\/distroless\/static-debian12:nonroot/);
});
