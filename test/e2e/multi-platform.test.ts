/** Native cross-compilation: one download, one build per platform on the build platform, each binary checked by its ELF machine. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildx } from "../support/docker.js";
import { plainProject } from "../support/fixture.js";

const project = plainProject("main: ./cmd/plain\n");

test("linux/amd64,linux/arm64 gives two verified binaries without QEMU", async () => {
  const res = await buildx({
    dir: project.dir,
    tag: `slimgo-e2e-multi:${process.pid}`,
    buildArgs: project.buildArgs,
    extra: ["--network=host", "--platform", "linux/amd64,linux/arm64", "--output", "type=oci,dest=/dev/null"],
  });
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  assert.match(res.stderr, /verified plain linux\/amd64: static amd64 ELF/);
  assert.match(res.stderr, /verified plain linux\/arm64: static arm64 ELF/);
  assert.match(res.stderr, /\[linux\/arm64\] go build \.\/cmd\/plain/);
  const downloads = res.stderr.match(/^#\d+ \[[^\]]*\] go mod download$|^#\d+ go mod download$/gm) ?? [];
  assert.ok(downloads.length <= 1, "go mod download ran per platform");
});
