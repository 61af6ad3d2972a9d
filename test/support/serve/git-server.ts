/**
 * `git daemon` on 127.0.0.1 serving bare copies of project directories as
 * git://127.0.0.1:PORT/NAME.git. The service fetches git sources itself,
 * on this host, so loopback reaches it.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Daemon, startDaemon, waitFor } from "../buildkit/daemon.js";
import { freePort, answersTcp } from "./ports.js";

export interface GitServer {
  readonly daemon: Daemon;
  /** Commit `dir` (as it is) into a new repository served as NAME.git; returns its URL and the commit. */
  publish(dir: string, name: string): { url: string; commit: string };
  stop(): Promise<void>;
}

const GIT_ENV = { GIT_AUTHOR_NAME: "slimgo test", GIT_AUTHOR_EMAIL: "test@slimgo.invalid", GIT_COMMITTER_NAME: "slimgo test", GIT_COMMITTER_EMAIL: "test@slimgo.invalid", GIT_CONFIG_NOSYSTEM: "1", HOME: "/nonexistent" };

function git(cwd: string, args: readonly string[]): string {
  return execFileSync("git", ["-c", "init.defaultBranch=main", "-c", "safe.directory=*", ...args], { cwd, env: { ...process.env, ...GIT_ENV }, stdio: ["ignore", "pipe", "pipe"] }).toString().trim();
}

export async function startGitServer(dir: string): Promise<GitServer> {
  const base = join(dir, "git");
  mkdirSync(base, { recursive: true });
  const port = await freePort();
  const daemon = startDaemon("git", ["daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1", `--port=${port}`, `--base-path=${base}`, base], join(dir, "git-daemon.log"));
  await waitFor(`git daemon on 127.0.0.1:${port}`, () => answersTcp(port), daemon, 20_000);
  return {
    daemon,
    publish(project, name) {
      // A work tree of its own, so the project directory gets no .git.
      const work = join(dir, "git-work", name);
      mkdirSync(work, { recursive: true });
      git(project, ["--git-dir", join(work, ".git"), "--work-tree", project, "init", "-q"]);
      git(project, ["--git-dir", join(work, ".git"), "--work-tree", project, "add", "-A"]);
      git(project, ["--git-dir", join(work, ".git"), "--work-tree", project, "commit", "-q", "-m", `${name} as served to BuildKit`]);
      const commit = git(project, ["--git-dir", join(work, ".git"), "rev-parse", "HEAD"]);
      git(dir, ["clone", "-q", "--bare", join(work, ".git"), join(base, `${name}.git`)]);
      return { url: `git://127.0.0.1:${port}/${name}.git`, commit };
    },
    stop: () => daemon.stop(),
  };
}
