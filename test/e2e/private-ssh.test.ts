/**
 * A module with a private dependency that only a git server over SSH on
 * loopback serves (a real sshd, test/support/ssh-git-server.ts): with
 * --ssh default (an ssh-agent holding the only key the server accepts) and the
 * server's host key as --secret id=known_hosts it builds and runs; without the
 * agent it fails naming the module and --ssh default; the private key's bytes
 * are in no layer, no image config or history.
 *
 * The module path 127.0.0.1/private/greet.git ends in .git, so go asks git
 * directly instead of fetching https://…?go-get=1 first; go tries
 * https://127.0.0.1/private/greet.git, which SLIMGO_GIT_SSH rewrites to the
 * server's port, user and repository directory.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { buildx, requireEngine, run } from "../support/docker.js";
import { FRONTEND, copyFixture, runImage } from "../support/fixture.js";
import { assertImageClean, scanTree } from "../support/secret-scan.js";
import { type SshGitServer, startSshGitServer } from "../support/ssh-git-server.js";

const TAG = `slimgo-e2e-private-ssh:${process.pid}`;
const work = mkdtempSync(join(tmpdir(), "slimgo-ssh-"));
let server: SshGitServer;
let project: ReturnType<typeof copyFixture>;
let args: Record<string, string>;

before(async () => {
  await requireEngine(FRONTEND);
  server = await startSshGitServer(join(work, "server"));
  project = copyFixture("private-ssh", "main: .\n");
  args = {
    GOPRIVATE: "127.0.0.1",
    SLIMGO_GIT_SSH: `127.0.0.1=ssh://${server.user}@127.0.0.1:${server.port}${server.repoRoot}/`,
    // A namespace of this run alone: no earlier build's fetch cache holds the module.
    SLIMGO_CACHE_NAMESPACE: `private-ssh-${process.pid}-${Date.now()}`,
  };
});

after(async () => {
  project?.remove();
  await server?.close();
  await run("docker", ["image", "rm", "-f", TAG]);
  rmSync(work, { recursive: true, force: true });
});

const knownHosts = () => ["--secret", `id=known_hosts,src=${server.knownHostsFile}`];
/** buildx's environment: `--ssh default` forwards the agent SSH_AUTH_SOCK names. */
function clientEnv(agent: string | undefined): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env["SSH_AUTH_SOCK"];
  return agent === undefined ? env : { ...env, SSH_AUTH_SOCK: agent };
}

test("without --ssh the build fails naming the private module and --ssh default, on its require line", async () => {
  const res = await buildx({ dir: project.dir, tag: TAG, buildArgs: args, extra: ["--network=host", ...knownHosts()], env: clientEnv(undefined) });
  assert.notEqual(res.code, 0);
  assert.match(res.stdout + res.stderr, /Permission denied \(publickey\)/, "ssh's own message is in the step's output");
  assert.match(res.stderr, /go mod download: 127\.0\.0\.1\/private\/greet\.git is private \(GOPRIVATE=127\.0\.0\.1\) and its git server refused SSH login .*: pass --ssh default/);
  assert.match(res.stderr, /go\.mod:5\n[^]*>>>\s+require 127\.0\.0\.1\/private\/greet\.git v0\.1\.0/, "buildx did not frame the require line");
});

test("a host key that known_hosts does not hold fails naming the known_hosts secret", async () => {
  const other = join(work, "other_host_key");
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other]);
  const wrong = join(work, "wrong_known_hosts");
  writeFileSync(wrong, `[127.0.0.1]:${server.port} ${readFileSync(`${other}.pub`, "utf8").split(" ").slice(0, 2).join(" ")}\n`);
  const res = await buildx({
    dir: project.dir,
    tag: TAG,
    buildArgs: args,
    extra: ["--network=host", "--ssh", "default", "--secret", `id=known_hosts,src=${wrong}`],
    env: clientEnv(server.agentSocket),
  });
  assert.notEqual(res.code, 0);
  assert.match(res.stdout + res.stderr, /Host key verification failed/);
  assert.match(res.stderr, /127\.0\.0\.1\/private\/greet\.git is private \(GOPRIVATE=127\.0\.0\.1\) and its git server's SSH host key is not in the known_hosts secret: pass --secret id=known_hosts/);
});

test("with --ssh default and the host key it builds and runs, and the private key is in no layer, config or history", async () => {
  const res = await buildx({
    dir: project.dir,
    tag: TAG,
    buildArgs: args,
    extra: ["--network=host", "--ssh", "default", ...knownHosts()],
    env: clientEnv(server.agentSocket),
  });
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  assert.doesNotMatch(res.stderr, /trusting the SSH host keys seen now/, "the known_hosts secret was not used");
  assert.equal((await runImage(TAG)).trim(), "hello from a module fetched over ssh");

  const needles = keyNeedles();
  // The scanner finds the key where it is: in the server's own files.
  assert.ok(scanTree(join(work, "server"), needles).hits.length >= 1, "the scan cannot see the key");
  await assertImageClean(TAG, needles, "private key");
  const history = await run("docker", ["history", "--no-trunc", "--format", "{{.CreatedBy}}", TAG]);
  assert.ok(!history.stdout.includes("PRIVATE KEY"));
});

/** The whole private key file, and a line from the middle of its base64 body. */
function keyNeedles(): Buffer[] {
  const key = readFileSync(server.privateKeyFile);
  const body = key.toString("utf8").split("\n").filter((l) => l.length >= 60);
  assert.ok(body.length > 0);
  return [key, Buffer.from(body[Math.floor(body.length / 2)] ?? "")];
}
