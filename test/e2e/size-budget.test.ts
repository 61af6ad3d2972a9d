/**
 * Size in the build: --call size reports bytes per module and the image's
 * files; size.budget fails an oversized binary naming its largest modules;
 * size.warnModuleShare warns about a module above the share.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { after, before, test } from "node:test";
import { type GoProxy, prefetchModules, startGoProxy } from "../../scripts/goproxy.js";
import { buildx, requireEngine, run } from "../support/docker.js";
import { FRONTEND, copyFixture, fixturePath } from "../support/fixture.js";

const TAG = `slimgo-e2e-size-budget:${process.pid}`;
let proxy: GoProxy;
const projects: Array<ReturnType<typeof copyFixture>> = [];

before(async () => {
  await requireEngine(FRONTEND);
  proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), [fixturePath("cobra-one-call")]));
});

after(async () => {
  await proxy?.close();
  for (const p of projects) p.remove();
  await run("docker", ["image", "rm", "-f", TAG]);
});

function project(spec: string) {
  const p = copyFixture("cobra-one-call", spec);
  projects.push(p);
  return p.dir;
}

const args = () => ({ GOPROXY: proxy.url, GOSUMDB: "off" });

test("--call size shows each module's bytes and what each file of the image costs", async () => {
  const dir = project("");
  const build = ["buildx", "build", "--call", "size", "--network=host", "-f", `${dir}/slimgo.yaml`];
  for (const [k, v] of Object.entries(args())) build.push("--build-arg", `${k}=${v}`);
  const res = await run("docker", [...build, dir]);
  assert.equal(res.code, 0, res.stderr.slice(-3000));
  assert.match(res.stdout, /^onecall for linux\/amd64:$/m);
  assert.match(res.stdout, /github\.com\/spf13\/cobra\s+v1\.8\.1\s+\d+\s+[\d.]+%/);
  assert.match(res.stdout, /\(unattributed\)/);
  assert.match(res.stdout, /\/etc\/ssl\/certs\/ca-certificates\.crt/);
  assert.match(res.stdout, /\/usr\/share\/zoneinfo \(\d+ files\)/);
});

test("a binary over size.budget fails the build on the size line, naming its largest modules", async () => {
  const dir = project("size:\n  budget: 1MB\n");
  const res = await buildx({ dir, tag: TAG, buildArgs: args(), extra: ["--network=host"] });
  assert.notEqual(res.code, 0);
  assert.match(res.stderr, /slimgo\.yaml:2/);
  assert.match(res.stderr, /onecall for linux\/amd64 is [\d.]+ MiB, over the size budget of 976\.6 KiB; largest third-party modules: github\.com\/spf13\/\w+ [\d.]+ KiB \(\d+%\), github\.com\/spf13\/\w+ [\d.]+ KiB/);
  assert.match(res.stderr, /see which packages pull them in with docker buildx build --call size, or raise size\.budget/);
});

test("a module above size.warnModuleShare gets a warning; under budget the image is built", async () => {
  const dir = project("size: {budget: 20MB, warnModuleShare: 2%}\n");
  const res = await buildx({ dir, tag: TAG, buildArgs: args(), extra: ["--network=host"] });
  assert.equal(res.code, 0, res.stderr.slice(-3000));
  for (const module of ["cobra", "pflag"]) {
    const re = new RegExp(`ModuleShare: github\\.com/spf13/${module} is [\\d.]+ KiB, \\d+% of onecall for linux/amd64 \\(more than size\\.warnModuleShare 2%\\); its largest package is github\\.com/spf13/${module} \\(line 2\\)`);
    assert.match(res.stderr, re);
  }
});
