/** cgo code in the module while `cgo: false` is caught before any image exists, on the spec's cgo line. */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { buildx, imageFiles, requireEngine, run } from "../support/docker.js";
import { FRONTEND, copyFixture, runImage } from "../support/fixture.js";

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

test("cgo: true ships the loader and the libraries the binary needs, found in its ELF", async () => {
  const project = copyFixture("cgo-in-module", "cgo: true\n");
  const tag = `slimgo-e2e-cgo-dynamic:${process.pid}`;
  try {
    const res = await buildx({ dir: project.dir, tag });
    assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
    assert.match(res.stderr, /verified cgoapp linux\/amd64: dynamic \(\/lib64\/ld-linux-x86-64\.so\.2, libc\.so\.6\) amd64 ELF/);
    // Exactly these two: libc names the loader too, which must not be copied twice.
    assert.match(res.stderr, /runtime libraries: ld-linux-x86-64\.so\.2, libc\.so\.6$/m);
    assert.equal((await runImage(tag)).trim(), "twice 21 is 42");
    const files = await imageFiles(tag);
    assert.ok(files.has("/lib64/ld-linux-x86-64.so.2"), "the loader is missing from the image");
    assert.ok([...files.keys()].some((p) => p.endsWith("/libc.so.6")), "libc.so.6 is missing from the image");
  } finally {
    project.remove();
    await run("docker", ["image", "rm", "-f", tag]);
  }
});

test("cgo: true with link: static gives a static binary that runs on the static base", async () => {
  const project = copyFixture("cgo-in-module", "cgo: true\nlink: static\n");
  const tag = `slimgo-e2e-cgo-static:${process.pid}`;
  try {
    const res = await buildx({ dir: project.dir, tag });
    assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
    assert.match(res.stderr, /verified cgoapp linux\/amd64: static amd64 ELF/);
    assert.match(res.stderr, /StaticGlibc: link: static puts glibc in the binary.*\(line 3\)/);
    assert.equal((await runImage(tag)).trim(), "twice 21 is 42");
  } finally {
    project.remove();
    await run("docker", ["image", "rm", "-f", tag]);
  }
});

test("a cgo binary on a base without glibc fails at build time, naming the missing loader", async () => {
  const standin = "slimgo-test/distroless-static:nonroot";
  const built = await run("docker", ["build", "-q", "-t", standin, "test/fixtures/images/distroless-standin"]);
  assert.equal(built.code, 0, built.stderr);
  const project = copyFixture("cgo-in-module", `cgo: true\nbase: ${standin}\n`);
  try {
    const res = await buildx({ dir: project.dir, tag: `slimgo-e2e-cgo-nolibc:${process.pid}` });
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /base slimgo-test\/distroless-static:nonroot lacks \/lib64\/ld-linux-x86-64\.so\.2, libc\.so\.6, which the cgo binary needs/);
  } finally {
    project.remove();
  }
});
