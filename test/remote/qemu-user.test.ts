/**
 * The arm64 binary of a multi-platform build really runs on arm64: the default
 * engine builder cross-compiles both platforms natively, then Debian's
 * qemu-user runs the arm64 one and the host runs the amd64 one. This machine
 * has no binfmt handlers, so the arm64 binary cannot start without qemu.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { join, resolve } from "node:path";
import { type GoProxy, prefetchModules, startGoProxy } from "../../scripts/goproxy.js";
import { readElf } from "../../src/elf/index.js";
import { buildx, requireEngine } from "../support/docker.js";
import { FRONTEND, copyFixture, fixturePath } from "../support/fixture.js";
import { GREETING, SPEC_BODY } from "./support/suite.js";

let proxy: GoProxy;
let project: ReturnType<typeof copyFixture>;
const binary = (platform: string) => join(project.dir, "out", platform, "usr/local/bin/plain");

before(async () => {
  await requireEngine(FRONTEND);
  if (spawnSync("qemu-aarch64", ["--version"]).status !== 0) throw new Error("qemu-aarch64 is missing: run scripts/buildkit/setup.sh (installs qemu-user)");
  proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), [fixturePath("plain")]));
  project = copyFixture("plain", SPEC_BODY);
});

after(async () => {
  await proxy?.close();
  project?.remove();
});

test("one build gives an amd64 and an arm64 binary", async () => {
  const res = await buildx({
    dir: project.dir,
    tag: `slimgo-remote-qemu:${process.pid}`,
    buildArgs: { GOPROXY: proxy.url, GOSUMDB: "off" },
    extra: ["--network=host", "--platform", "linux/amd64,linux/arm64", "--output", `type=local,dest=${join(project.dir, "out")}`],
  });
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  assert.equal(readElf(readFileSync(binary("linux_amd64"))).arch, "amd64");
  assert.equal(readElf(readFileSync(binary("linux_arm64"))).arch, "arm64");
});

test("the amd64 binary runs natively", () => {
  const native = spawnSync(binary("linux_amd64"), { encoding: "utf8" });
  assert.equal(native.status, 0, native.stderr);
  assert.match(native.stdout.trim(), GREETING);
});

test("the arm64 binary runs under qemu-aarch64 and not natively", () => {
  // execvp hands a file the kernel refuses (ENOEXEC) to /bin/sh, which fails on the ELF bytes.
  const direct = spawnSync(binary("linux_arm64"), { encoding: "utf8" });
  assert.ok(direct.status !== 0 && !GREETING.test(direct.stdout.trim()), "the arm64 binary ran natively: a binfmt handler would hide whether qemu-user works");
  const emulated = spawnSync("qemu-aarch64", [binary("linux_arm64")], { encoding: "utf8" });
  assert.equal(emulated.status, 0, emulated.stderr);
  assert.match(emulated.stdout.trim(), GREETING);
});
