/**
 * `slimgo check` and a real build reach the same verdict from the same code:
 * each case is checked offline and built through BuildKit, and both must pass,
 * or both fail with the same located message.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { after, before, test } from "node:test";
import { type GoProxy, prefetchModules, startGoProxy } from "../../scripts/goproxy.js";
import { cli } from "../support/cli.js";
import { buildx, requireEngine, run } from "../support/docker.js";
import { FRONTEND, copyFixture, fixturePath } from "../support/fixture.js";

const TAG = `slimgo-e2e-agree:${process.pid}`;
let proxy: GoProxy;

before(async () => {
  await requireEngine(FRONTEND);
  const fixtures = ["plain", "monorepo", "replace", "workspace/api", "cobra-one-call"].map(fixturePath);
  proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), fixtures));
});

after(async () => {
  await proxy?.close();
  await run("docker", ["image", "rm", "-f", TAG]);
});

const CASES: ReadonlyArray<{ fixture: string; spec: string; ok: boolean }> = [
  { fixture: "plain", spec: "main: ./cmd/plain\n", ok: true },
  { fixture: "cgo-in-module", spec: "cgo: false\n", ok: false },
  { fixture: "cgo-in-module", spec: "cgo: true\n", ok: true },
  { fixture: "monorepo", spec: "targets:\n  api: {main: ./cmd/api}\n  worker: {main: ./cmd/worker}\n", ok: true },
  { fixture: "vendored", spec: "", ok: true },
  { fixture: "replace", spec: "main: ./cmd/app\n", ok: true },
  { fixture: "workspace", spec: "main: ./api\n", ok: true },
  { fixture: "selfcheck", spec: "", ok: true },
  { fixture: "cobra-one-call", spec: "", ok: true },
  { fixture: "plain", spec: "main: ./cmd/plain\nmian: x\n", ok: false },
  { fixture: "plain", spec: "main: ./cmd/plain\nbase: static\nlink: static\n", ok: false },
];

for (const c of CASES) {
  test(`check and build agree: ${c.fixture} with ${JSON.stringify(c.spec)}`, async () => {
    const project = copyFixture(c.fixture, c.spec);
    try {
      const checked = await cli("check", project.dir);
      const built = await buildx({ dir: project.dir, tag: TAG, buildArgs: { GOPROXY: proxy.url, GOSUMDB: "off" }, extra: ["--network=host"] });
      assert.equal(checked.code === 0, c.ok, `check: ${checked.stdout}${checked.stderr}`);
      assert.equal(built.code === 0, c.ok, `build: ${built.stderr.slice(-3000)}`);
      if (!c.ok) {
        // check prints "slimgo.yaml:LINE:COL: message"; buildx prints the frontend's message and frames the same line.
        const [first = ""] = checked.stderr.split("\n");
        const located = /^slimgo\.yaml:(\d+):\d+: (.*)$/.exec(first);
        assert.ok(located, `check's first line is not located: ${first}`);
        const [, line, message = ""] = located;
        assert.ok(built.stderr.includes(message.slice(0, 80)), `the build did not say "${message}":\n${built.stderr.slice(-3000)}`);
        assert.match(built.stderr, new RegExp(`slimgo\\.yaml:${line}\\b`), `the build did not frame line ${line}`);
      }
    } finally {
      project.remove();
    }
  });
}
