/** A warning from a real build reaches `docker buildx build` through the Warn API, with its spec line. */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { buildx, requireEngine, run } from "../support/docker.js";
import { FRONTEND, copyFixture } from "../support/fixture.js";

const TAG = `slimgo-e2e-warnings:${process.pid}`;
let project: ReturnType<typeof copyFixture>;

before(async () => {
  await requireEngine(FRONTEND);
  project = copyFixture("monorepo", "main: ./cmd/worker\nbase: scratch\n");
  writeFileSync(
    join(project.dir, "cmd/worker/main.go"),
    'package main\n\nimport (\n\t"crypto/x509"\n\t"fmt"\n)\n\nfunc main() {\n\t_, err := x509.SystemCertPool()\n\tfmt.Println("roots:", err)\n}\n',
  );
});

after(async () => {
  project?.remove();
  await run("docker", ["image", "rm", "-f", TAG]);
});

test("base: scratch with a program that verifies TLS certificates warns on the base line", async () => {
  const res = await buildx({ dir: project.dir, tag: TAG });
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  assert.match(res.stderr, /ScratchWithoutCerts: worker links crypto\/x509, but base: scratch has no CA certificates/);
  assert.match(res.stderr, /\(line 3\)/);
  assert.match(res.stderr, /1 warning found/);
});
