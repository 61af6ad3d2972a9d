/**
 * A git server over SSH on loopback, as a company runs one: sshd (Debian's
 * openssh-server, `make e2e-deps`) as a child process with a config, host key
 * and authorized key of its own, every session forced through git-shell, and
 * one bare repository holding test/fixtures/modules/ssh-greet tagged v0.1.0.
 * An ssh-agent holds the only key the server accepts.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./serve/ports.js";

export const SSH_MODULE = "127.0.0.1/private/greet.git";
export const SSH_VERSION = "v0.1.0";
const MODULE_SOURCE = "test/fixtures/modules/ssh-greet";
const SSHD = "/usr/sbin/sshd";

export interface SshGitServer {
  readonly port: number;
  /** Where the repositories live on this machine: the path part of the ssh:// URL. */
  readonly repoRoot: string;
  /** The user sshd runs sessions as (this process's user). */
  readonly user: string;
  /** A known_hosts file with the server's host key under [127.0.0.1]:PORT. */
  readonly knownHostsFile: string;
  /** The private key the agent holds: bytes that must never appear in an image or a cache. */
  readonly privateKeyFile: string;
  /** SSH_AUTH_SOCK of the agent holding that key. */
  readonly agentSocket: string;
  close(): Promise<void>;
}

export async function startSshGitServer(dir: string): Promise<SshGitServer> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: run \`make e2e-deps\` (installs openssh-server)`);
  mkdirSync(dir, { recursive: true });
  const f = (name: string) => join(dir, name);
  const keygen = (file: string, comment: string) => execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file]);
  keygen(f("host_key"), "slimgo test host");
  keygen(f("client_key"), "slimgo test client");
  writeFileSync(f("authorized_keys"), readFileSync(f("client_key.pub")), { mode: 0o600 });
  const repoRoot = f("repos");
  makeRepository(join(repoRoot, "private", "greet.git"), f("work"));

  const port = await freePort();
  writeFileSync(
    f("sshd_config"),
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${f("host_key")}`,
      `PidFile ${f("sshd.pid")}`,
      `AuthorizedKeysFile ${f("authorized_keys")}`,
      // The temp dir's modes are the test's, not a home directory's.
      "StrictModes no",
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "PermitRootLogin prohibit-password",
      // Only git's fetch and push commands, whatever the client asks to run.
      'ForceCommand git-shell -c "$SSH_ORIGINAL_COMMAND"',
      "",
    ].join("\n"),
  );
  // sshd's privilege separation directory is fixed at build time; the package's service would make it.
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const sshd = spawn(SSHD, ["-D", "-e", "-f", f("sshd_config")], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  sshd.stderr?.on("data", (d: Buffer) => void (log += d.toString()));
  await waitListening(sshd, port, () => log);
  writeFileSync(f("known_hosts"), `[127.0.0.1]:${port} ${readFileSync(f("host_key.pub"), "utf8").split(" ").slice(0, 2).join(" ")}\n`);

  const agentSocket = f("agent.sock");
  const agent = spawn("ssh-agent", ["-D", "-a", agentSocket], { stdio: "ignore" });
  await waitFor(() => existsSync(agentSocket), "ssh-agent did not create its socket");
  execFileSync("ssh-add", ["-q", f("client_key")], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket }, stdio: ["ignore", "ignore", "pipe"] });

  const user = execFileSync("id", ["-un"]).toString().trim();
  return {
    port,
    repoRoot,
    user,
    knownHostsFile: f("known_hosts"),
    privateKeyFile: f("client_key"),
    agentSocket,
    close: async () => {
      await stop(agent);
      await stop(sshd);
    },
  };
}

/** A bare repository with the module's files in one commit tagged SSH_VERSION. */
function makeRepository(bare: string, work: string): void {
  cpSync(MODULE_SOURCE, work, { recursive: true });
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", args, {
      cwd,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, GIT_AUTHOR_NAME: "slimgo", GIT_AUTHOR_EMAIL: "ci@slimgo.test", GIT_COMMITTER_NAME: "slimgo", GIT_COMMITTER_EMAIL: "ci@slimgo.test", GIT_AUTHOR_DATE: "2024-01-01T00:00:00Z", GIT_COMMITTER_DATE: "2024-01-01T00:00:00Z" },
    });
  git(work, "init", "-q", "-b", "main");
  git(work, "add", ".");
  git(work, "commit", "-q", "-m", "greet");
  git(work, "tag", SSH_VERSION);
  mkdirSync(bare, { recursive: true });
  git(bare, "clone", "-q", "--bare", work, ".");
}

async function waitListening(proc: ChildProcess, port: number, log: () => string): Promise<void> {
  await waitFor(() => {
    if (proc.exitCode !== null) throw new Error(`sshd exited ${proc.exitCode}: ${log().trim()}`);
    return log().includes(`Server listening on 127.0.0.1 port ${port}`);
  }, `sshd did not listen on ${port}: ${log().trim()}`);
}

/** Poll a condition: the child processes have no readiness signal but their own files and log. */
async function waitFor(ready: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (ready()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(what);
}

function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once("exit", () => resolve());
    proc.kill("SIGTERM");
  });
}
