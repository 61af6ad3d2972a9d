import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import { pino } from "pino";
import { BuildState } from "../../src/gen/slimgo/v1/builds_pb.js";
import { parseServeConfig, startServer } from "../../src/serve/index.js";
import { buildsClient } from "./support/builds-client.js";

function repo(dir: string, files: (d: string) => void): void {
  mkdirSync(dir, { recursive: true });
  const git = (...a: string[]) => execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@t", ...a], { stdio: "ignore" });
  git("init", "-q", "-b", "main");
  files(dir);
  git("add", "-A");
  git("commit", "-q", "-m", "x");
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, "127.0.0.1", () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });

test("a git source is fetched from a loopback git daemon and checked like an upload", async () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-serve-git-"));
  const repos = join(dir, "repos");
  repo(join(repos, "hello"), (d) => {
    writeFileSync(join(d, "go.mod"), "module example.com/hello\n");
    writeFileSync(join(d, "slimgo.yaml"), "main: .\n");
  });
  repo(join(repos, "evil"), (d) => {
    writeFileSync(join(d, "go.mod"), "module example.com/evil\n");
    symlinkSync("/", join(d, "root"));
  });
  const port = 20000 + (process.pid % 20000);
  const daemon = spawn("git", ["daemon", "--reuseaddr", "--export-all", `--base-path=${repos}`, "--listen=127.0.0.1", `--port=${port}`, repos], { stdio: "ignore" });
  const config = parseServeConfig(
    `listen: 127.0.0.1:0
state: state.db
workdir: work
tenants:
  - {name: team-a, tokenSha256: ${createHash("sha256").update("t").digest("hex")}}
nodes:
  - {name: gone, addr: "unix://${join(dir, "none.sock")}", platforms: [linux/amd64]}
`,
    join(dir, "serve.yaml"),
  );
  const server = await startServer(config, pino({ level: "silent" }));
  const a = buildsClient(server.address, "t");
  try {
    const deadline = Date.now() + 10_000;
    while (!(await answers(port))) {
      if (Date.now() > deadline) throw new Error("git daemon did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = `git://127.0.0.1:${port}/hello`;
    const id = await a.submit([], [], undefined, { url, ref: "main" });
    const b = await a.call("get", { id });
    assert.equal(b.state, BuildState.QUEUED);
    assert.equal(b.repository, url);
    assert.equal(b.commit, execFileSync("git", ["-C", join(repos, "hello"), "rev-parse", "HEAD"], { encoding: "utf8" }).trim(), "the commit main named");
    assert.deepEqual(readdirSync(join(dir, "work", id)), ["context"], "the scratch repository is gone");
    assert.deepEqual(readdirSync(join(dir, "work", id, "context")).sort(), ["go.mod", "slimgo.yaml"]);

    const refused = async (git: { url: string; ref: string }, message: RegExp) =>
      assert.rejects(a.submit([], [], undefined, git), (err: unknown) => (err as { code: number }).code === status.INVALID_ARGUMENT && message.test((err as { details: string }).details));
    await refused({ url: `git://127.0.0.1:${port}/evil`, ref: "" }, /"root" is a symlink to "\/", outside the context/);
    await refused({ url: "file:///etc", ref: "" }, /use an https:\/\/, http:\/\/ or git:\/\/ URL/);
    await refused({ url, ref: `--upload-pack=touch ${join(dir, "injected")}` }, /name a branch, a tag or a commit/);
    await refused({ url, ref: "no-such-branch" }, /git fetch failed: .*no-such-branch/);
    assert.deepEqual(readdirSync(join(dir, "work")), [id], "refused sources leave nothing");
    assert.ok(!existsSync(join(dir, "injected")));
  } finally {
    a.close();
    await server.close();
    daemon.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
