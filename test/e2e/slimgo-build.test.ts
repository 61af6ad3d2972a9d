/**
 * `slimgo build` against the Docker engine's own BuildKit, reached through
 * `docker buildx dial-stdio`: the frontend runs in the test's slimgo process,
 * no frontend image is started. A real Go project (examples/hello) is built,
 * loaded into the engine and run; a local output matches what
 * `docker buildx build` writes; Ctrl-C leaves nothing behind.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { after, before, test } from "node:test";
import { type GoProxy, prefetchModules, startGoProxy } from "../../scripts/goproxy.js";
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

before(async () => {
  await requireEngine(FRONTEND);
  proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), [EXAMPLE]));
  dir = mkdtempSync(join(tmpdir(), "slimgo-client-"));
  cpSync(EXAMPLE, join(dir, "hello"), { recursive: true });
  goArgs = ["--build-arg", `GOPROXY=${proxy.url}`, "--build-arg", "GOSUMDB=off", "--network=host"];
});

after(async () => {
  await proxy?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await run("docker", ["image", "rm", "-f", TAG]);
});

/** `slimgo build ARGS` from the TypeScript sources, as a user runs it. */
function slimgo(args: readonly string[], cwd = join(dir, "hello")): Promise<Run> {
  return run(process.execPath, ["--import", TSX, CLI, "build", ...args], { cwd, timeoutMs: 300_000 });
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
