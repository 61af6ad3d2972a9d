import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { BuildEventSchema, BuildSchema, BuildState } from "../../src/gen/slimgo/v1/builds_pb.js";
import { BuildsClient } from "../../src/builds-client/builds-client.js";
import { parseServerUrl } from "../../src/builds-client/server-address.js";
import { buildsCommand } from "../../src/cli/builds.js";
import { buildCommand } from "../../src/cli/build.js";
import { startFakeBuilds } from "../support/fake-builds-server.js";

const TOKEN = "t0ken-a";
let dir: string;
let fake: Awaited<ReturnType<typeof startFakeBuilds>>;
let verdict: BuildState = BuildState.SUCCEEDED;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "slimgo-remote-"));
  writeFileSync(join(dir, "go.mod"), "module example.com/hello\n\ngo 1.24\n");
  writeFileSync(join(dir, "main.go"), "package main\n\nfunc main() {}\n");
  writeFileSync(join(dir, "slimgo.yaml"), "# syntax=slimgo:dev\nmain: .\n");
  writeFileSync(join(dir, ".dockerignore"), "secret.txt\nbuild/\n");
  writeFileSync(join(dir, "secret.txt"), "never uploaded");
  mkdirSync(join(dir, "build"));
  writeFileSync(join(dir, "build", "out.bin"), "junk");
  symlinkSync("main.go", join(dir, "link.go"));
  const t0 = 1_700_000_000_000;
  fake = await startFakeBuilds({
    token: TOKEN,
    events: (id) => [
      create(BuildEventSchema, { event: { case: "build", value: { id, state: BuildState.QUEUED } } }),
      create(BuildEventSchema, { event: { case: "build", value: { id, state: BuildState.RUNNING, node: "n1", attempts: 1 } } }),
      create(BuildEventSchema, {
        event: { case: "status", value: { vertexes: [{ digest: "sha256:aa", name: "[hello] go build .", started: timestampFromMs(t0), completed: timestampFromMs(t0 + 1500) }] } },
      }),
      create(BuildEventSchema, {
        event: {
          case: "build",
          value: {
            id,
            state: verdict,
            node: "n1",
            attempts: 1,
            error: verdict === BuildState.FAILED ? "go build: exit status 1" : "",
            digests: verdict === BuildState.SUCCEEDED ? { "linux/amd64": "sha256:1111" } : {},
            started: timestampFromMs(t0),
            finished: timestampFromMs(t0 + 2000),
          },
        },
      }),
    ],
    builds: [
      create(BuildSchema, { id: "b-old", tenant: "team-a", state: BuildState.SUCCEEDED, node: "n2", platforms: ["linux/amd64"], digests: { "linux/amd64": "sha256:2222" }, attempts: 2, created: timestampFromMs(t0) }),
    ],
  });
});

after(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

function io(env: Record<string, string> = { SLIMGO_TOKEN: TOKEN }) {
  const o = { out: "", err: "", progress: "" };
  const progress = new PassThrough();
  progress.on("data", (b: Buffer) => (o.progress += b.toString()));
  return {
    o,
    io: { out: (s: string) => void (o.out += s), err: (s: string) => void (o.err += s), progress: progress as unknown as NodeJS.WriteStream, env, cwd: dir },
  };
}

test("build --server uploads the context without what .dockerignore leaves out, shows the progress and exits 0 on success", async () => {
  const { o, io: x } = io();
  const code = await buildCommand(["--server", fake.url, "--progress", "plain", "--platform", "linux/amd64", "-t", "127.0.0.1:5000/hello", "--push", "."], x);
  assert.equal(code, 0, o.err);
  assert.deepEqual(fake.recorded.contexts.at(-1), [".dockerignore", "go.mod", "link.go->main.go", "main.go", "slimgo.yaml"]);
  assert.deepEqual(fake.recorded.args.at(-1), ["--platform", "linux/amd64", "-t", "127.0.0.1:5000/hello", "--push"]);
  assert.equal(fake.recorded.auth.at(-1), `Bearer ${TOKEN}`);
  assert.match(o.progress, /#1 \[hello\] go build \./);
  assert.match(o.err, /running on n1/);
  assert.match(o.err, /succeeded on n1 in 2\.0s: linux\/amd64 sha256:1111/);
});

test("build --server exits 1 with the build's error when it fails, 130 when it was cancelled", async () => {
  try {
    verdict = BuildState.FAILED;
    const failed = io();
    assert.equal(await buildCommand(["--server", fake.url, "--progress", "quiet", "."], failed.io), 1);
    assert.match(failed.o.err, /failed on n1 in 2\.0s: go build: exit status 1/);
    verdict = BuildState.CANCELLED;
    const cancelled = io();
    assert.equal(await buildCommand(["--server", fake.url, "--progress", "quiet", "."], cancelled.io), 130);
  } finally {
    verdict = BuildState.SUCCEEDED;
  }
});

test("build --server --detach prints the build id and does not watch", async () => {
  const { o, io: x } = io();
  const code = await buildCommand(["--server", fake.url, "--detach", "-f", "slimgo.yaml", "."], x);
  assert.equal(code, 0, o.err);
  assert.match(o.out, /^b\d+\n$/);
  assert.deepEqual(fake.recorded.args.at(-1), ["-f", "slimgo.yaml"]);
  assert.doesNotMatch(o.err, /succeeded/);
});

test("build --server with a git URL sends the repository and ref, no upload", async () => {
  const before = fake.recorded.contexts.length;
  const { o, io: x } = io();
  assert.equal(await buildCommand(["--server", fake.url, "--detach", "git://127.0.0.1:9418/hello.git#main"], x), 0, o.err);
  assert.deepEqual(fake.recorded.git.at(-1), { url: "git://127.0.0.1:9418/hello.git", ref: "main" });
  assert.equal(fake.recorded.contexts.length, before);
});

test("build --server -f - sends the spec read from stdin with the options, and the attestation flags as given", async () => {
  const { o, io: x } = io();
  const stdin = Object.assign(PassThrough.from(["# syntax=slimgo:dev\nmain: ./cmd/other\n"]), { isTTY: false });
  assert.equal(await buildCommand(["--server", fake.url, "--detach", "-f", "-", "--sbom=true", "--provenance=mode=max", "."], { ...x, stdin }), 0, o.err);
  assert.deepEqual(fake.recorded.args.at(-1), ["-f", "-", "--attest", "type=sbom", "--attest", "type=provenance,mode=max"]);
  assert.equal(fake.recorded.specs.at(-1), "# syntax=slimgo:dev\nmain: ./cmd/other\n");
  const empty = io();
  assert.equal(await buildCommand(["--server", fake.url, "-f", "-", "."], { ...empty.io, stdin: Object.assign(PassThrough.from([]), { isTTY: false }) }), 1);
  assert.match(empty.o.err, /^slimgo build: -f -: stdin is empty: pipe the spec in/);
});

test("build --server refuses flags that name this machine, in one line, before connecting", async () => {
  const calls = fake.recorded.auth.length;
  for (const [flags, what] of [
    [["--load", "."], /^slimgo build --server: --load does not apply to a build on the service: .*--push/],
    [["-o", "type=local,dest=out", "."], /-o type=local/],
    [["--secret", "id=npm,src=go.mod", "."], /--secret/],
    [["--cache-to", "type=local,dest=cache", "."], /^slimgo build --server: --cache-to type=local does not apply to a build on the service: .*type=registry,ref=/],
    [["--cache-from", "type=local,src=cache", "."], /--cache-from type=local does not apply/],
    [["--metadata-file", "m.json", "."], /slimgo builds show --json/],
    [["--call", "check", "."], /--call check does not apply/],
    [["--addr", "tcp://127.0.0.1:1234", "."], /--addr, --builder and --tls\*/],
    [["-f", "slimgo.yaml", "build"], /-f slimgo.yaml is outside the context build/],
    [["-o", "-", "."], /-o type=tar does not apply/],
  ] as const) {
    const { o, io: x } = io();
    assert.equal(await buildCommand(["--server", fake.url, ...flags], x), 1, flags.join(" "));
    assert.match(o.err, what);
    assert.equal(o.err.trim().split("\n").length, 1, o.err);
  }
  assert.equal(fake.recorded.auth.length, calls);
});

test("build --server without a token, or with a wrong one, says how to give one", async () => {
  const none = io({});
  assert.equal(await buildCommand(["--server", fake.url, "."], none.io), 1);
  assert.match(none.o.err, /no token: set SLIMGO_TOKEN/);
  const wrong = io({ SLIMGO_TOKEN: "nope" });
  assert.equal(await buildCommand(["--server", fake.url, "."], wrong.io), 1);
  assert.match(wrong.o.err, /refused the call.*SLIMGO_TOKEN/);
  const bad = io();
  assert.equal(await buildCommand(["--server", "http://127.0.0.1:7700", "."], bad.io), 1);
  assert.match(bad.o.err, /tcp:\/\/HOST:PORT for plaintext or tls:\/\/HOST:PORT/);
  const down = io();
  assert.equal(await buildsCommand(["list", "--server", "tcp://127.0.0.1:1"], down.io), 1);
  assert.match(down.o.err, /^slimgo: cannot reach slimgo serve at tcp:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\): is it running/);
});

test("builds list and show print the tenant's builds, as text and as JSON", async () => {
  const env = { SLIMGO_TOKEN: TOKEN, SLIMGO_SERVER: fake.url };
  const list = io(env);
  assert.equal(await buildsCommand(["list"], list.io), 0, list.o.err);
  assert.match(list.o.out, /^ID\s+STATE\s+NODE/);
  assert.match(list.o.out, /b-old\s+succeeded\s+n2/);
  const json = io(env);
  assert.equal(await buildsCommand(["show", "b-old", "--json"], json.io), 0, json.o.err);
  const shown = JSON.parse(json.o.out);
  assert.equal(shown.state, "succeeded");
  assert.equal(shown.attempts, 2);
  assert.deepEqual(shown.digests, { "linux/amd64": "sha256:2222" });
  assert.equal(shown.created, "2023-11-14T22:13:20.000Z");
  const text = io(env);
  assert.equal(await buildsCommand(["show", "b-old"], text.io), 0);
  assert.match(text.o.out, /digest linux\/amd64\s+sha256:2222/);
});

test("builds show of a build the tenant cannot see is one line, exit 1", async () => {
  const { o, io: x } = io({ SLIMGO_TOKEN: TOKEN, SLIMGO_SERVER: fake.url });
  assert.equal(await buildsCommand(["show", "b-other"], x), 1);
  assert.match(o.err, /^slimgo: build b-other: no build b-other: list your builds with `slimgo builds list`\n$/);
});

test("builds watch follows to the verdict; builds cancel asks the service", async () => {
  const env = { SLIMGO_TOKEN: TOKEN, SLIMGO_SERVER: fake.url };
  const w = io(env);
  assert.equal(await buildsCommand(["watch", "b7", "--progress", "plain"], w.io), 0, w.o.err);
  assert.match(w.o.progress, /go build/);
  const c = io(env);
  assert.equal(await buildsCommand(["cancel", "b7"], c.io), 0, c.o.err);
  assert.deepEqual(fake.recorded.cancelled, ["b7"]);
  const none = io({ SLIMGO_TOKEN: TOKEN });
  assert.equal(await buildsCommand(["list"], none.io), 1);
  assert.match(none.o.err, /--server tcp:\/\/HOST:PORT or SLIMGO_SERVER/);
});

test("a submit given up mid-upload returns at once, even while the context source waits for more", async () => {
  const client = new BuildsClient(parseServerUrl(fake.url), {}, TOKEN);
  async function* stalls(): AsyncGenerator<Uint8Array> {
    yield new Uint8Array(1024);
    await new Promise(() => {}); // a source that never delivers the rest
  }
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 300).unref();
  const t0 = Date.now();
  await assert.rejects(client.submit({ args: [], context: stalls() }, abort.signal));
  assert.ok(Date.now() - t0 < 5000, `submit took ${Date.now() - t0} ms to give up`);
  client.close();
});
