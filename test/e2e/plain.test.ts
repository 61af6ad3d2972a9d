/**
 * The walking skeleton, for real: a Go project no one tuned for builds with a
 * two-line spec through the Docker engine's BuildKit and our frontend image,
 * and the image runs as nonroot with only the binary and the static essentials.
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { type GoProxy, prefetchModules, startGoProxy } from "../../scripts/goproxy.js";
import { buildx, imageFiles, requireEngine, run, stepState } from "../support/docker.js";
import { FRONTEND, copyFixture, fixturePath, runImage } from "../support/fixture.js";

const FIXTURE = fixturePath("plain");
const TAG = `slimgo-e2e-plain:${process.pid}`;
/** Binary (~1.6 MB) + CA bundle + zoneinfo + passwd: anything near a distro base would blow this. */
const SIZE_BUDGET = 4_000_000;

let proxy: GoProxy;
let project: ReturnType<typeof copyFixture>;
let dir: string;

before(async () => {
  await requireEngine(FRONTEND);
  proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), [FIXTURE]));
  project = copyFixture("plain", "main: ./cmd/plain\n");
  dir = project.dir;
});

after(async () => {
  await proxy?.close();
  project?.remove();
  await run("docker", ["image", "rm", "-f", TAG]);
});

const build = () =>
  buildx({ dir, tag: TAG, buildArgs: { GOPROXY: proxy.url, GOSUMDB: "off" }, extra: ["--network=host"] });

test("the two-line spec builds an image that runs as nonroot", async () => {
  const res = await build();
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  assert.equal(stepState(res.stderr, "go mod download") === "absent", false, "no `go mod download` step in the progress");
  assert.notEqual(stepState(res.stderr, "go build ./cmd/plain"), "absent", "no `go build` step in the progress");

  assert.match(res.stderr, /verified plain linux\/amd64: static amd64 ELF, go1\.24\.\d+, [\d.]+ MiB/, "no verification step in the progress");

  const out = await runImage(TAG);
  assert.equal(out.trim(), "hello from plain id=c8a85b90-249f-5970-b209-a1c089a7f579 uid=65532 gid=65532");

  const inspect = JSON.parse((await run("docker", ["image", "inspect", TAG])).stdout)[0];
  assert.equal(inspect.Config.User, "65532:65532");
  assert.deepEqual(inspect.Config.Entrypoint, ["/usr/local/bin/plain"]);
  assert.ok(inspect.Config.Env.includes("SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"));
  assert.equal(inspect.Os, "linux");
  assert.ok(inspect.Size < SIZE_BUDGET, `image is ${inspect.Size} bytes, budget ${SIZE_BUDGET}`);
});

test("the image holds only the binary and the static essentials: no shell", async () => {
  const files = await imageFiles(TAG);
  const outsideZoneinfo = [...files.keys()].filter((p) => !p.startsWith("/usr/share/zoneinfo/")).sort();
  assert.deepEqual(outsideZoneinfo, [
    "/etc",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/passwd",
    "/etc/ssl",
    "/etc/ssl/certs",
    "/etc/ssl/certs/ca-certificates.crt",
    "/home",
    "/home/nonroot",
    "/tmp",
    "/usr",
    "/usr/local",
    "/usr/local/bin",
    "/usr/local/bin/plain",
    "/usr/share",
    "/usr/share/zoneinfo",
  ]);
  assert.ok(files.has("/usr/share/zoneinfo/Europe/Berlin"));
  // Zone aliases are links in tzdata: copied as files they would add bytes for nothing.
  const links = [...files].filter(([p, f]) => p.startsWith("/usr/share/zoneinfo/") && f.type === "symlink");
  assert.ok(links.length > 0, "zoneinfo's alias links were copied as files");
  assert.equal((files.get("/tmp")?.mode ?? 0) & 0o7777, 0o1777, "/tmp must be world-writable and sticky");
  assert.equal(files.get("/home/nonroot")?.uid, 65532);
  assert.match(files.get("/etc/passwd")?.text ?? "", /^nonroot:x:65532:65532:nonroot:\/home\/nonroot:/m);
});

test("a one-line source change rebuilds only main, without go mod download or the dependency step", async () => {
  const main = join(dir, "cmd/plain/main.go");
  // A greeting no earlier run built, so BuildKit's cache cannot already hold this compile.
  const greeting = `hello again from plain ${Date.now()}`;
  writeFileSync(main, readFileSync(main, "utf8").replace('"hello from plain"', JSON.stringify(greeting)));
  proxy.reset();
  const res = await build();
  assert.equal(res.code, 0, `rebuild failed:\n${res.stderr.slice(-4000)}`);
  assert.equal(stepState(res.stderr, "go mod download"), "cached", "go mod download ran again after a .go edit");
  assert.equal(stepState(res.stderr, "go build ./cmd/plain"), "ran");
  // The import set did not change, so neither did the dependency layer; only main is compiled.
  assert.equal(stepState(res.stderr, "compile the dependencies of ./cmd/plain"), "cached", "the dependency step ran again after an edit that imports nothing new");
  // go list reads only the files' imports, so an edit below them leaves it cached too.
  assert.equal(stepState(res.stderr, "go list -deps ./cmd/plain"), "cached", "go list ran again after an edit below the imports");
  assert.match(res.stderr, /slimgo: compiled 1 package; the others came from the go-build cache/);
  assert.deepEqual(proxy.fetched, [], "the rebuild fetched modules");
  assert.ok((await runImage(TAG)).startsWith(`${greeting} id=`));
});

test("a new import reruns go list, without go mod download", async () => {
  const main = join(dir, "cmd/plain/main.go");
  const src = readFileSync(main, "utf8");
  assert.match(src, /^import \(/m, "the fixture's main.go should have an import block");
  // The comment makes this header new to BuildKit's cache on every run; it is inside the imports, so go list sees it.
  writeFileSync(main, src.replace(/^import \(/m, `import (\n\t// run ${Date.now()}\n\t_ "net/url"`));
  const res = await build();
  assert.equal(res.code, 0, `rebuild failed:\n${res.stderr.slice(-4000)}`);
  assert.equal(stepState(res.stderr, "go list -deps ./cmd/plain"), "ran");
  assert.equal(stepState(res.stderr, "go mod download"), "cached");
});

test("a go.mod change reruns the modules' compiled-package step but leaves the standard library's cached", async () => {
  const goMod = join(dir, "go.mod");
  // A new comment is a new go.mod to BuildKit, and imports nothing new.
  writeFileSync(goMod, `${readFileSync(goMod, "utf8")}// changed ${Date.now()}\n`);
  const res = await build();
  assert.equal(res.code, 0, `rebuild failed:\n${res.stderr.slice(-4000)}`);
  assert.equal(stepState(res.stderr, "go mod download"), "ran");
  assert.equal(stepState(res.stderr, "compile the dependencies of ./cmd/plain"), "ran");
  assert.equal(stepState(res.stderr, "compile the standard library packages of ./cmd/plain"), "cached", "the standard library was compiled again after a go.mod change");
});

test("a misspelt field fails on its spec line with a hint", async () => {
  const bad = copyFixture("plain", "mian: ./cmd/plain\n");
  try {
    const res = await buildx({ dir: bad.dir, tag: `${TAG}-bad` });
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /slimgo\.yaml:2:1: unknown field "mian" \(did you mean "main"\?\)/);
    assert.match(res.stderr, />>>\s+mian: \.\/cmd\/plain/, "buildx did not frame the spec line");
  } finally {
    bad.remove();
  }
});

test("a module without go.sum builds: the download step computes the sums", async () => {
  const project = copyFixture("plain", "main: ./cmd/plain\n");
  const tag = `${TAG}-nosum`;
  try {
    rmSync(join(project.dir, "go.sum"));
    const res = await buildx({ dir: project.dir, tag, buildArgs: { GOPROXY: proxy.url, GOSUMDB: "off" }, extra: ["--network=host"] });
    assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
    assert.notEqual(stepState(res.stderr, "go mod download (no go.sum: computing it)"), "absent");
    assert.match(res.stderr, /NoGoSum: the context has no go\.sum, so module hashes were computed now: commit go\.sum for reproducible builds \(line 1\)/);
    assert.match(await runImage(tag), /^hello from plain id=c8a85b90-249f-5970-b209-a1c089a7f579 /);
  } finally {
    project.remove();
    await run("docker", ["image", "rm", "-f", tag]);
  }
});

test("compress: upx packs the binary, runs, and says what it cost", async () => {
  const project = copyFixture("plain", "main: ./cmd/plain\ncompress: upx\n");
  const tag = `${TAG}-upx`;
  try {
    const res = await buildx({ dir: project.dir, tag, buildArgs: { GOPROXY: proxy.url, GOSUMDB: "off" }, extra: ["--network=host"] });
    assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
    const warning = res.stderr.match(/UpxCompression: compress: upx packed plain from ([\d.]+ MiB) to (\d+ KiB|[\d.]+ MiB) \((-\d+)%\)/);
    assert.ok(warning, "no UPX warning with the measured sizes");
    assert.ok(Number(warning[3]) < -20, `UPX saved only ${warning[3]}%`);
    assert.match(await runImage(tag), /^hello from plain id=c8a85b90-249f-5970-b209-a1c089a7f579 uid=65532/);
  } finally {
    project.remove();
    await run("docker", ["image", "rm", "-f", tag]);
  }
});
