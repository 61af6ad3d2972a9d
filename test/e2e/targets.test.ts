/**
 * A monorepo with two programs: --target api, --target worker, and one image
 * holding both (include:), sharing one module download and the build steps;
 * version stamping through ${VERSION} and ${TARGETARCH}; files: with owner and
 * mode; go:embed; --call targets listing all three.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readElf, readGoBuildInfo } from "../../src/elf/index.js";
import { after, before, test } from "node:test";
import { buildx, imageFiles, requireEngine, run, stepState } from "../support/docker.js";
import { FRONTEND, copyFixture, fixturePath } from "../support/fixture.js";

const TAG = `slimgo-e2e-targets:${process.pid}`;
const SPEC_BODY = readFileSync(`${fixturePath("monorepo")}/slimgo.yaml`, "utf8").replace(/^# syntax=.*\n/, "");

let project: ReturnType<typeof copyFixture>;

before(async () => {
  await requireEngine(FRONTEND);
  project = copyFixture("monorepo", SPEC_BODY);
});

after(async () => {
  project?.remove();
  await run("docker", ["image", "rm", "-f", `${TAG}-api`, `${TAG}-worker`, `${TAG}-all`]);
});

const build = (target: string) => buildx({ dir: project.dir, tag: `${TAG}-${target}`, buildArgs: { VERSION: "1.4.2" }, extra: ["--target", target] });
const runIn = async (image: string, entrypoint?: string) => {
  const res = await run("docker", ["run", "--rm", ...(entrypoint ? ["--entrypoint", entrypoint] : []), image]);
  assert.equal(res.code, 0, res.stderr);
  return res.stdout.trim();
};

test("--target api builds the api with its embedded page, stamped version and config file", async () => {
  const res = await build("api");
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  assert.notEqual(stepState(res.stderr, "[api] go build ./cmd/api"), "absent", "the build step is not named after its binary");
  assert.equal(await runIn(`${TAG}-api`), 'api 1.4.2 page="<h1>embedded</h1>" config="mode=production"');
  const files = await imageFiles(`${TAG}-api`);
  const conf = files.get("/etc/monorepo/app.conf");
  assert.ok(conf, "files: did not copy the config");
  assert.equal(conf.mode & 0o777, 0o640);
  assert.equal(`${conf.uid}:${conf.gid}`, "65532:65532");
  assert.equal(files.has("/usr/local/bin/worker"), false);
  const config = JSON.parse((await run("docker", ["image", "inspect", `${TAG}-api`])).stdout)[0].Config;
  assert.deepEqual(Object.keys(config.ExposedPorts ?? {}), ["8080/tcp"]);
});

test("--target worker reuses the module download and stamps its platform", async () => {
  const res = await build("worker");
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  assert.equal(stepState(res.stderr, "go mod download"), "cached", "each target should share the one download step");
  assert.equal(await runIn(`${TAG}-worker`), "worker 1.4.2 linux/amd64");
});

test("one image holds both binaries, built by the same cached steps", async () => {
  const res = await build("all");
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  assert.equal(stepState(res.stderr, "[worker] go build ./cmd/worker"), "cached");
  assert.equal(stepState(res.stderr, "[api] go build ./cmd/api"), "cached");
  assert.match(res.stderr, /verified worker linux\/amd64: static amd64 ELF/);
  assert.match(res.stderr, /verified api linux\/amd64: static amd64 ELF/);
  assert.match(await runIn(`${TAG}-all`), /^api 1\.4\.2 /);
  assert.equal(await runIn(`${TAG}-all`, "/usr/local/bin/worker"), "worker 1.4.2 linux/amd64");
});

test("--call targets lists every target, the first as default, and --call outline the stamped build args", async () => {
  const targets = await run("docker", ["buildx", "build", "--call", "targets", "-f", `${project.dir}/slimgo.yaml`, project.dir]);
  assert.equal(targets.code, 0, targets.stderr);
  assert.match(targets.stdout, /api \(default\)\s+the HTTP API/);
  assert.match(targets.stdout, /worker\s+go build \.\/cmd\/worker into worker on static/);
  assert.match(targets.stdout, /all\s+api and worker in one image/);
  const outline = await run("docker", ["buildx", "build", "--call", "outline", "-f", `${project.dir}/slimgo.yaml`, project.dir]);
  assert.equal(outline.code, 0, outline.stderr);
  assert.match(outline.stdout, /VERSION\s+dev/);
});

test("an unknown --target fails on the targets line, naming the targets", async () => {
  const res = await build("wroker");
  assert.notEqual(res.code, 0);
  assert.match(res.stderr, /slimgo\.yaml:5:1: targets: --target wroker: no such target \(this spec has api, worker, all\) \(did you mean "worker"\?\)/);
});

test("with .git in the context, the binary carries the commit (-buildvcs)", async () => {
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", ...args], { cwd: project.dir });
  git("init", "-q");
  git("add", "-A");
  git("commit", "-qm", "fixture");
  const revision = git("rev-parse", "HEAD").toString().trim();
  const out = mkdtempSync(join(tmpdir(), "slimgo-vcs-"));
  try {
    const res = await buildx({ dir: project.dir, tag: `${TAG}-vcs`, extra: ["--target", "worker", "--output", `type=local,dest=${out}`] });
    assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
    const bytes = readFileSync(join(out, "usr/local/bin/worker"));
    const info = readGoBuildInfo(bytes, readElf(bytes));
    assert.equal(info?.settings["vcs.revision"], revision);
    assert.equal(info?.settings["vcs.modified"], "false");
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(join(project.dir, ".git"), { recursive: true, force: true });
  }
});
