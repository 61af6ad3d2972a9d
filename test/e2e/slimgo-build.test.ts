/**
 * `slimgo build` against the Docker engine's own BuildKit, reached through
 * `docker buildx dial-stdio`: the frontend runs in the test's slimgo process,
 * no frontend image is started. A real Go project (examples/hello) is built,
 * loaded into the engine and run; a local output matches what
 * `docker buildx build` writes; Ctrl-C leaves nothing behind. The spec
 * from stdin (-f -), the image as a tar on stdout (-o -), and --sbom,
 * --provenance pushed to a loopback registry, read back with
 * `docker buildx imagetools inspect`.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { after, before, test } from "node:test";
import { type GoProxy, prefetchModules, startGoProxy } from "../../scripts/goproxy.js";
import { inspectAttestation, provenanceLlb } from "../support/attestations.js";
import { type Registry, startRegistry } from "../support/buildkit/registry.js";
import { type Run, buildx, requireEngine, run } from "../support/docker.js";
import { FRONTEND } from "../support/fixture.js";

const EXAMPLE = resolve("examples/hello");
const TAG = `slimgo-e2e-client:${process.pid}`;
const CLI = resolve("src/cli/entry.ts");
/** tsx by URL: the CLI runs in a project copy, where a bare `tsx` does not resolve. */
const TSX = import.meta.resolve("tsx");

let proxy: GoProxy;
let dir: string;
let goArgs: string[];
let registry: Registry | undefined;
let registryDir: string | undefined;
/** Pushed images the engine's image exporter also named in its store. */
const pushed: string[] = [];

before(async () => {
  await requireEngine(FRONTEND);
  proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), [EXAMPLE]));
  dir = mkdtempSync(join(tmpdir(), "slimgo-client-"));
  cpSync(EXAMPLE, join(dir, "hello"), { recursive: true });
  goArgs = ["--build-arg", `GOPROXY=${proxy.url}`, "--build-arg", "GOSUMDB=off", "--network=host"];
});

after(async () => {
  await registry?.stop();
  await proxy?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (registryDir) rmSync(registryDir, { recursive: true, force: true });
  await run("docker", ["image", "rm", "-f", TAG, ...pushed]);
});

/** `slimgo build ARGS` from the TypeScript sources, as a user runs it. */
function slimgo(args: readonly string[], cwd = join(dir, "hello")): Promise<Run> {
  return run(process.execPath, ["--import", TSX, CLI, "build", ...args], { cwd, timeoutMs: 300_000 });
}

/**
 * `slimgo build ARGS < stdin | READER`: slimgo's stdout is an OS pipe into
 * the reader process, as in a shell pipeline.
 */
function slimgoPiped(args: readonly string[], stdin: string, reader: readonly string[]): Promise<{ code: number | null; stderr: string; reader: Run }> {
  const child = spawn(process.execPath, ["--import", TSX, CLI, "build", ...args], { cwd: join(dir, "hello"), stdio: ["pipe", "pipe", "pipe"] });
  const [cmd = "", ...rest] = reader;
  const sink = spawn(cmd, rest, { stdio: [child.stdout, "pipe", "pipe"] });
  // The reader has its own copy of the pipe; this process's copy would hold the child's "close" back.
  child.stdout.destroy();
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => void (stderr += b.toString()));
  const out = { stdout: "", stderr: "" };
  sink.stdout?.on("data", (b: Buffer) => void (out.stdout += b.toString()));
  sink.stderr?.on("data", (b: Buffer) => void (out.stderr += b.toString()));
  child.stdin.end(stdin);
  const exited = (p: ReturnType<typeof spawn>) => new Promise<number | null>((ok) => p.on("close", (code) => ok(code)));
  return Promise.all([exited(child), exited(sink)]).then(([code, readerCode]) => ({ code, stderr, reader: { code: readerCode ?? 1, ...out } }));
}

/** Every entry under `root` by relative path: a directory's mode, a file's mode and content hash, a link's target. */
function tree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      const rel = relative(root, p);
      if (st.isDirectory()) {
        out.set(rel, `dir ${(st.mode & 0o7777).toString(8)}`);
        walk(p);
      } else if (st.isSymbolicLink()) out.set(rel, `link ${readlinkSync(p)}`);
      else out.set(rel, `file ${(st.mode & 0o7777).toString(8)} ${createHash("sha256").update(readFileSync(p)).digest("hex")}`);
    }
  };
  walk(root);
  return out;
}

test("examples/hello builds through docker-buildx:// into the engine and runs, with no frontend image started", async () => {
  const res = await slimgo(["--progress=plain", "-t", TAG, ...goArgs]);
  assert.equal(res.code, 0, `slimgo build failed:\n${res.stderr.slice(-4000)}`);
  assert.match(res.stderr, /^#\d+ go build \.$/m);
  assert.match(res.stderr, /verified hello linux\/amd64: static amd64 ELF/);
  assert.match(res.stderr, /naming to docker\.io\/library\/slimgo-e2e-client:\d+ done/);
  assert.doesNotMatch(res.stderr, /resolve image config for .*slimgo:dev|\[internal\] load metadata for .*slimgo/);
  const out = await run("docker", ["run", "--rm", TAG]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^hello from a slimgo image: linux\/amd64, uid 65532/);
});

test("with .git in the context, slimgo build dates the image by the commit, read through its own file session", async () => {
  const repo = join(dir, "hello-git");
  cpSync(EXAMPLE, repo, { recursive: true });
  const date = "1712345678 +0000";
  const env = { ...process.env, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date, GIT_CONFIG_GLOBAL: "/dev/null" };
  for (const args of [["init", "-q"], ["add", "-A"], ["commit", "-qm", "hello"], ["gc", "-q", "--prune=now"]]) {
    const r = await run("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { env });
    assert.equal(r.code, 0, r.stderr);
  }
  const res = await slimgo(["--progress=plain", "-t", `${TAG}-git`, ...goArgs], repo);
  assert.equal(res.code, 0, `slimgo build failed:\n${res.stderr.slice(-4000)}`);
  assert.match(res.stderr, /\[internal\] load \.git\/objects\/pack\/pack-[0-9a-f]{40}\.pack/);
  const created = await run("docker", ["image", "inspect", "--format", "{{.Created}}", `${TAG}-git`]);
  await run("docker", ["image", "rm", "-f", `${TAG}-git`]);
  assert.equal(new Date(created.stdout.trim()).getTime(), 1712345678 * 1000, created.stdout);
});

// The same frontend image on both sides: what differs is only who receives the files (slimgo's session or buildx's).
test("--output type=local writes the files docker buildx build writes", async () => {
  const ours = join(dir, "out-slimgo");
  const theirs = join(dir, "out-buildx");
  const res = await slimgo(["--progress=plain", "--frontend-image", FRONTEND, "--output", `type=local,dest=${ours}`, ...goArgs]);
  assert.equal(res.code, 0, `slimgo build failed:\n${res.stderr.slice(-4000)}`);
  const bx = await buildx({ dir: join(dir, "hello"), tag: `${TAG}-bx`, buildArgs: { GOPROXY: proxy.url, GOSUMDB: "off" }, extra: ["--network=host", "--output", `type=local,dest=${theirs}`] });
  assert.equal(bx.code, 0, bx.stderr.slice(-4000));
  assert.deepEqual(tree(ours), tree(theirs));
});

test("--call check and --call targets answer from the spec, on stdout", async () => {
  const check = await slimgo(["--call", "check", "--progress=quiet"]);
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, /Check complete, no warnings found\./);
  const targets = await slimgo(["--call", "targets", "--progress=quiet"]);
  assert.equal(targets.code, 0, targets.stderr);
  assert.match(targets.stdout, /^TARGET +DESCRIPTION\nhello \(default\) +go build \. into hello/m);
});

test("errors are one line with the fix, exit 1: a missing builder, an unreachable node, a missing secret file, a missing spec", async () => {
  const cases: Array<[string[], RegExp]> = [
    [["--builder", "no-such-builder"], /^slimgo: builder no-such-builder does not exist .*docker buildx ls/],
    [["--addr", "tcp://127.0.0.1:1"], /^slimgo: cannot reach BuildKit at tcp:\/\/127\.0\.0\.1:1 \(connect ECONNREFUSED 127\.0\.0\.1:1\)/],
    [["--secret", "id=tok,src=/nonexistent/token"], /^slimgo build: --secret id=tok: file \/nonexistent\/token does not exist/],
    [["-f", "missing.yaml"], /^slimgo build: missing\.yaml: no such file/],
  ];
  for (const [args, message] of cases) {
    const res = await slimgo(["--progress=plain", ...args]);
    assert.equal(res.code, 1, `${args.join(" ")}: exit ${res.code}\n${res.stderr}`);
    assert.match(res.stderr, message, args.join(" "));
    assert.equal(res.stderr.trim().split("\n").length, 1, `${args.join(" ")} printed more than one line:\n${res.stderr}`);
  }
});

test("Ctrl-C mid-build cancels the solve, exits 130 and leaves no output behind", async () => {
  const out = join(dir, "out-cancelled");
  const child = spawn(process.execPath, ["--import", TSX, CLI, "build", "--progress=plain", "--no-cache", "--output", `type=local,dest=${out}`, ...goArgs], {
    cwd: join(dir, "hello"),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const started = new Promise<void>((ok) =>
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
      if (/go mod download|go list|go build/.test(stderr)) ok();
    }),
  );
  const exited = new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));
  await Promise.race([started, exited]);
  child.kill("SIGINT");
  const code = await Promise.race([exited, new Promise<"hung">((ok) => setTimeout(() => ok("hung"), 30_000))]);
  if (code === "hung") child.kill("SIGKILL");
  assert.equal(code, 130, `exit ${code}:\n${stderr.slice(-3000)}`);
  assert.match(stderr, /build cancelled/);
  assert.equal(existsSync(out), false, "a cancelled build left its output");
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith(".out-cancelled")), [], "a cancelled build left a temporary output");
});

test("-f - reads the spec from stdin and -o - pipes the image's files as a tar into tar -x; progress stays on stderr", async () => {
  const spec = readFileSync(join(EXAMPLE, "slimgo.yaml"), "utf8");
  const out = join(dir, "out-pipe");
  mkdirSync(out);
  const res = await slimgoPiped(["--progress=plain", "-f", "-", "-o", "-", ...goArgs, "."], spec, ["tar", "-x", "-C", out]);
  assert.equal(res.code, 0, `slimgo build failed:\n${res.stderr.slice(-4000)}`);
  assert.equal(res.reader.code, 0, `tar could not read slimgo's stdout: ${res.reader.stderr}`);
  assert.match(res.stderr, /\[internal\] load build definition from slimgo\.yaml/);
  assert.match(res.stderr, /verified hello linux\/amd64: static amd64 ELF/);
  const files = tree(out);
  assert.match(String(files.get("usr/local/bin/hello")), /^file 755 /, `no binary in ${[...files.keys()].join(" ")}`);
  for (const f of ["etc/passwd", "etc/group", "etc/ssl/certs/ca-certificates.crt", "etc/nsswitch.conf"]) assert.ok(files.has(f), `${f} is not in the tar`);
  assert.match(readFileSync(join(out, "etc/passwd"), "utf8"), /^nonroot:x:65532:65532:/m);
  // The default provenance is inline-only: a tar carries no attestation files.
  assert.deepEqual([...files.keys()].filter((f) => /provenance|spdx/.test(f)), []);
  // The spec's private copy is gone, and nothing else of the build's was left in the context.
  assert.deepEqual(readdirSync(tmpdir()).filter((n) => n.startsWith("slimgo-spec-")).filter((n) => lstatSync(join(tmpdir(), n)).uid === process.getuid?.()), []);
});

test("-o - of a failing build writes nothing to stdout and exits 1; an empty stdin for -f - is one line", async () => {
  const res = await slimgoPiped(["--progress=plain", "-f", "-", "-o", "-", ...goArgs, "."], "main: ./no/such/dir\n", ["wc", "-c"]);
  assert.equal(res.code, 1, res.stderr.slice(-3000));
  assert.equal(res.reader.stdout.trim(), "0", "a failed build wrote to stdout");
  assert.match(res.stderr, /^slimgo: build failed: .*no\/such\/dir/m);
  const empty = await slimgoPiped(["--progress=plain", "-f", "-"], "", ["wc", "-c"]);
  assert.equal(empty.code, 1);
  assert.equal(empty.stderr, "slimgo build: -f -: stdin is empty: pipe the spec in (slimgo build -f - . < slimgo.yaml)\n");
});

test("-o - into a reader that stops early (head -c 512) fails the build: exit 1, never a quiet 0", async () => {
  const res = await slimgoPiped(["--progress=plain", "-o", "-", ...goArgs, "."], "", ["head", "-c", "512"]);
  assert.equal(res.reader.code, 0);
  assert.equal(res.code, 1, `exit ${res.code}:\n${res.stderr.slice(-3000)}`);
  assert.match(res.stderr, /^slimgo: build failed: .*the archive.s reader closed the pipe before the end \(EPIPE\)$/m);
});

test("-o type=oci,dest=- is an OCI layout on stdout: buildx's default provenance stays out of it, --provenance=true puts it in", async () => {
  /** The kinds of manifest under the layout's one image: a platform, or an attestation manifest. */
  const kinds = async (extra: readonly string[]) => {
    const out = mkdtempSync(join(dir, "oci-"));
    const res = await slimgoPiped(["--progress=plain", "-o", "type=oci,dest=-", ...extra, ...goArgs, "."], "", ["tar", "-x", "-C", out]);
    assert.equal(res.code, 0, `slimgo build failed:\n${res.stderr.slice(-4000)}`);
    assert.equal(res.reader.code, 0, res.reader.stderr);
    const blob = (digest: string) => JSON.parse(readFileSync(join(out, "blobs", ...digest.split(":")), "utf8"));
    const top = JSON.parse(readFileSync(join(out, "index.json"), "utf8")).manifests[0];
    if (top.mediaType.endsWith("manifest.v1+json")) return ["image"];
    return blob(top.digest).manifests.map((m: { annotations?: Record<string, string> }) => m.annotations?.["vnd.docker.reference.type"] ?? "image");
  };
  assert.deepEqual(await kinds([]), ["image"]);
  assert.deepEqual(await kinds(["--provenance=true"]), ["image", "attestation-manifest"]);
});

test("--sbom=true --push gives the SPDX document docker buildx build --sbom=true gives; --provenance=mode=max BuildKit's full provenance", async () => {
  registryDir ??= mkdtempSync(join(tmpdir(), "slimgo-e2e-registry-"));
  registry = await startRegistry(registryDir, 5700 + (process.pid % 200));
  const repo = `${registry.host}/slimgo-e2e/hello`;
  pushed.push(`${repo}:ours`, `${repo}:buildx`, `${repo}:max`);
  const epoch = ["--build-arg", "SOURCE_DATE_EPOCH=1700000000"];
  const ours = await slimgo(["--progress=plain", "--sbom=true", "--push", "-t", `${repo}:ours`, ...epoch, ...goArgs]);
  assert.equal(ours.code, 0, `slimgo build failed:\n${ours.stderr.slice(-4000)}`);
  assert.match(ours.stderr, /SBOM: 1 Go binary from build info/);
  const bx = await buildx({
    dir: join(dir, "hello"),
    tag: `${repo}:buildx`,
    buildArgs: { GOPROXY: proxy.url, GOSUMDB: "off", SOURCE_DATE_EPOCH: "1700000000" },
    extra: ["--network=host", "--sbom=true", "--output", "type=image,push=true"],
  });
  assert.equal(bx.code, 0, bx.stderr.slice(-4000));

  const doc = (await inspectAttestation(`${repo}:ours`, "SBOM")).SPDX;
  assert.equal(doc.spdxVersion, "SPDX-2.3");
  const packages = new Map(doc.packages.map((p: { name: string; versionInfo: string }) => [p.name, p.versionInfo]));
  assert.equal(packages.get("github.com/google/uuid"), "v1.6.0");
  assert.match(String(packages.get("stdlib")), /^go1\.24\./);
  assert.deepEqual(doc, (await inspectAttestation(`${repo}:buildx`, "SBOM")).SPDX);
  // buildx's default: a minimal provenance goes with the pushed image (min: no LLB in it).
  const min = (await inspectAttestation(`${repo}:ours`, "Provenance")).SLSA;
  assert.ok(min, "the default provenance is missing");
  assert.equal(provenanceLlb(min), undefined);

  const max = await slimgo(["--progress=plain", "--provenance=mode=max", "--push", "-t", `${repo}:max`, ...goArgs]);
  assert.equal(max.code, 0, `slimgo build failed:\n${max.stderr.slice(-4000)}`);
  const slsa = (await inspectAttestation(`${repo}:max`, "Provenance")).SLSA;
  assert.ok(slsa, "no provenance attestation");
  assert.ok((provenanceLlb(slsa)?.length ?? 0) > 0, `mode=max has the LLB: ${JSON.stringify(slsa).slice(0, 2000)}`);
});

test("an archive is never written onto a terminal, and -f - does not wait on one: one line each, exit 1", async () => {
  // script(1) gives the command a pseudo-terminal for stdin and stdout.
  const onTty = (args: string) => run("script", ["-qec", `${process.execPath} --import ${TSX} ${CLI} build ${args}`, "/dev/null"], { cwd: join(dir, "hello"), timeoutMs: 120_000 });
  const out = await onTty("-o - .");
  assert.equal(out.code, 1, out.stdout);
  assert.equal(out.stdout.trim(), "slimgo build: -o -: stdout is a terminal, refusing to write an archive to it: redirect it (> out.tar) or pipe it (| tar -t)");
  const spec = await onTty("-f - .");
  assert.equal(spec.code, 1, spec.stdout);
  assert.equal(spec.stdout.trim(), "slimgo build: -f -: stdin is a terminal: pipe the spec in (slimgo build -f - . < slimgo.yaml)");
});
