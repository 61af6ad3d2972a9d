/**
 * download.sh run by /bin/sh on this machine with stand-ins for go, git and
 * ssh on PATH: what it hands go from the goauth secret, which git rewrites
 * survive without an agent, and the exit codes that become advice.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { DOWNLOAD_SH } from "../../src/gen/shell.js";
import { DOWNLOAD_EXIT } from "../../src/server/download-failure.js";

const root = mkdtempSync(join(tmpdir(), "slimgo-download-sh-"));
after(() => rmSync(root, { recursive: true, force: true }));

interface Fakes {
  /** The body of the fake go's failing run (stderr); it succeeds when absent. */
  readonly goError?: string;
  /** What the fake git prints to stderr when the script probes a repository. */
  readonly gitError?: string;
}

/** Run the script in a fresh directory; the fake go records its environment in go.env. */
function runScript(env: Record<string, string>, fakes: Fakes = {}) {
  const dir = mkdtempSync(join(root, "run-"));
  const bin = join(dir, "bin");
  const tmp = join(dir, "tmp");
  mkdirSync(bin);
  mkdirSync(tmp);
  const fake = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  // Only `go mod download` with the fetch cache fails; the last call (materialising from it) always works.
  fake(
    "go",
    [
      `env > "${dir}/go.env"`,
      `if [ -n "\${GOAUTH:-}" ]; then sh -c "\${GOAUTH#*;}" > "${dir}/goauth.out"; fi`,
      fakes.goError === undefined ? "exit 0" : `case "$GOMODCACHE" in *fetch*) printf '%s\\n' '${fakes.goError}' >&2; exit 1;; esac`,
    ].join("\n"),
  );
  fake("git", `printf '%s\\n' '${fakes.gitError ?? ""}' >&2; exit 128`);
  fake("ssh", "exit 0");
  const res = spawnSync("/bin/sh", ["-c", DOWNLOAD_SH], {
    cwd: dir,
    encoding: "utf8",
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      GOMODCACHE: join(dir, "fetch"),
      SLIMGO_MODULES: join(dir, "modules"),
      SLIMGO_PRIVATE_TMP: tmp,
      SLIMGO_CA_SECRET: join(dir, "absent"),
      SLIMGO_KNOWN_HOSTS: join(dir, "absent"),
      SLIMGO_GOAUTH_SECRET: join(dir, "absent"),
      SSH_AUTH_SOCK: join(dir, "absent"),
      ...env,
    },
  });
  return { code: res.status, stderr: res.stderr, goEnv: readIfThere(join(dir, "go.env")) ?? "", goauth: readIfThere(join(dir, "goauth.out")) };
}

function readIfThere(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

test("without a goauth secret GOAUTH is left alone", () => {
  const r = runScript({});
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.goEnv, /^GOAUTH=/m);
});

test("the goauth secret reaches go as a command after netrc, printing the file with URL lines' trailing slash dropped", () => {
  const secret = join(root, "goauth");
  writeFileSync(secret, "https://proxy.corp.example/\nhttps://git.corp.example/api/\n\nAuthorization: Bearer tok/en\n\n");
  const r = runScript({ SLIMGO_GOAUTH_SECRET: secret });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.goEnv, /^GOAUTH=netrc;sh -c cat<\S+\/tmp\/goauth$/m);
  assert.equal(r.goauth, "https://proxy.corp.example\nhttps://git.corp.example/api\n\nAuthorization: Bearer tok/en\n\n");
});

test("without an agent only the pinned rewrites stay, and ssh trusts the known_hosts secret", () => {
  const knownHosts = join(root, "known_hosts");
  writeFileSync(knownHosts, "[127.0.0.1]:2222 ssh-ed25519 AAAA\n");
  const rewrites = { GIT_CONFIG_COUNT: "2", SLIMGO_SSH_PINNED: "1", SLIMGO_KNOWN_HOSTS: knownHosts };
  const r = runScript(rewrites);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.goEnv, /^GIT_CONFIG_COUNT=1$/m);
  assert.doesNotMatch(r.goEnv, /^SSH_AUTH_SOCK=/m);
  assert.match(r.goEnv, new RegExp(`^GIT_SSH_COMMAND=ssh -o BatchMode=yes -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes$`, "m"));
  const none = runScript({ ...rewrites, SLIMGO_SSH_PINNED: "0" });
  assert.match(none.goEnv, /^GIT_CONFIG_COUNT=0$/m);
  assert.doesNotMatch(none.goEnv, /^GIT_SSH_COMMAND=/m, "no rewrite left, no ssh");
});

test("go's 'no secure protocol found' is probed with git, and ssh's message picks the exit code", () => {
  const goError = "go: 127.0.0.1/private/greet.git@v0.1.0: no secure protocol found for repository";
  const pinned = { GIT_CONFIG_COUNT: "1", SLIMGO_SSH_PINNED: "1" };
  const refused = runScript(pinned, { goError, gitError: "git@127.0.0.1: Permission denied (publickey)." });
  assert.equal(refused.code, DOWNLOAD_EXIT.sshKeyRefused, refused.stderr);
  assert.match(refused.stderr, /Permission denied \(publickey\)/, "git's message is shown");
  const hostKey = runScript(pinned, { goError, gitError: "Host key verification failed." });
  assert.equal(hostKey.code, DOWNLOAD_EXIT.sshHostKey, hostKey.stderr);
  // Without SSH rewrites there is nothing to probe: a plain failure.
  assert.equal(runScript({}, { goError, gitError: "Permission denied (publickey)." }).code, 1);
});

test("a 401 from a proxy and an unknown CA keep their codes", () => {
  assert.equal(runScript({}, { goError: "reading https://p/x/@v/list: 401 Unauthorized" }).code, DOWNLOAD_EXIT.credentials);
  assert.equal(runScript({}, { goError: "tls: failed to verify certificate: x509: certificate signed by unknown authority" }).code, DOWNLOAD_EXIT.unknownAuthority);
});
