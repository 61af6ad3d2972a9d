import assert from "node:assert/strict";
import { test } from "node:test";
import { ExportError, exportPlan } from "../../src/client/exporters.js";
import { parseBuildFlags } from "../../src/cli/build-flags.js";

const plan = (args: string[], engine = false) => exportPlan(parseBuildFlags(args).options, engine, () => "/tmp/x/image.tar");

test("--load on the engine's builder names the image into its store; elsewhere it is a docker tar to load", () => {
  assert.deepEqual(plan(["-t", "app:1", "--load"], true), { exporters: [{ type: "image", attrs: { name: "docker.io/library/app:1" } }], outputs: [], notes: [] });
  assert.deepEqual(plan(["-t", "app:1", "--load"], false), {
    exporters: [{ type: "docker", attrs: { name: "docker.io/library/app:1" } }],
    outputs: [{ type: "docker", dest: "/tmp/x/image.tar", exporterIndex: 0 }],
    loadTar: "/tmp/x/image.tar",
    notes: [],
  });
});

test("the engine's builder loads by default, as docker build does; another node keeps the result in its cache and says so", () => {
  assert.deepEqual(plan(["-t", "a", "-t", "b"], true).exporters, [{ type: "image", attrs: { name: "docker.io/library/a:latest,docker.io/library/b:latest" } }]);
  const remote = plan([], false);
  assert.deepEqual(remote.exporters, []);
  assert.match(remote.notes[0] ?? "", /no output specified/);
});

test("outputs to the client go to the session by exporter index; --push marks the image exporter", () => {
  const p = plan(["-o", "type=local,dest=out", "-o", "type=image,name=r/a"]);
  assert.deepEqual(p.exporters, [{ type: "local", attrs: {} }, { type: "image", attrs: { name: "r/a" } }]);
  assert.deepEqual(p.outputs, [{ type: "local", dest: "out", exporterIndex: 0 }]);
  assert.deepEqual(plan(["-o", "type=image,name=r/a", "--push"]).exporters, [{ type: "image", attrs: { name: "r/a", push: "true" } }]);
  assert.throws(() => plan(["-o", "type=local,dest=out", "--push"]), /--push goes with -o type=image or type=registry only/);
  assert.deepEqual(plan(["-t", "reg.example:5000/a:1", "--push"]).exporters, [{ type: "image", attrs: { name: "reg.example:5000/a:1", push: "true" } }]);
  assert.throws(() => plan(["-t", "Bad Name"]), (e: Error) => e instanceof ExportError && /^-t Bad Name: .*write name\[:tag\]/.test(e.message));
  assert.throws(() => plan(["--push"]), (e: Error) => e instanceof ExportError && /--push needs an image name: add -t/.test(e.message));
});

test("--call runs no exporter", () => {
  assert.deepEqual(plan(["--call", "check", "--load", "-t", "x"], true).exporters, []);
});
