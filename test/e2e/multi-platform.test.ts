/** Native cross-compilation: one download, one build per platform on the build platform, each binary checked by its ELF machine. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { resolve } from "node:path";
import { type GoProxy, prefetchModules, startGoProxy } from "../../scripts/goproxy.js";
import { buildx, requireEngine } from "../support/docker.js";
import { FRONTEND, copyFixture, fixturePath } from "../support/fixture.js";

let proxy: GoProxy;
let project: ReturnType<typeof copyFixture>;

before(async () => {
  await requireEngine(FRONTEND);
  proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), [fixturePath("plain")]));
  project = copyFixture("plain", "main: ./cmd/plain\n");
});

after(async () => {
  await proxy?.close();
  project?.remove();
});

test("linux/amd64,linux/arm64 gives two verified binaries without QEMU", async () => {
  const res = await buildx({
    dir: project.dir,
    tag: `slimgo-e2e-multi:${process.pid}`,
    buildArgs: { GOPROXY: proxy.url, GOSUMDB: "off" },
    extra: ["--network=host", "--platform", "linux/amd64,linux/arm64", "--output", "type=oci,dest=/dev/null"],
  });
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  assert.match(res.stderr, /verified plain linux\/amd64: static amd64 ELF/);
  assert.match(res.stderr, /verified plain linux\/arm64: static arm64 ELF/);
  assert.match(res.stderr, /\[linux\/arm64\] go build \.\/cmd\/plain/);
  const downloads = res.stderr.match(/^#\d+ \[[^\]]*\] go mod download$|^#\d+ go mod download$/gm) ?? [];
  assert.ok(downloads.length <= 1, "go mod download ran per platform");
});
