/**
 * A git source as a build context: fetched (one commit, shallow) into a
 * scratch repository, then streamed out with `git archive` through the same
 * checks an uploaded tar goes through, so a repository's symlinks and sizes
 * meet the same limits.
 */
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ContextError, type ContextLimits, type ContextStats, receiveContext } from "./context-upload.js";

/** A fetch that takes longer is stopped. */
const FETCH_TIMEOUT_MS = 5 * 60_000;
/** What of git's output we keep: the end of stderr for the message, the start of stdout for short answers. */
const OUTPUT_KEEP = 2000;

/** Schemes the service fetches from; file:// and ext:: would read or run things on the service itself. */
const URL_SHAPE = /^(https?|git):\/\/[^\s/]+\/\S*$/;

export function checkGitUrl(url: string, ref: string): void {
  if (!URL_SHAPE.test(url)) throw new ContextError(`git source ${JSON.stringify(url.slice(0, 200))}: use an https://, http:// or git:// URL of the repository`);
  if (ref !== "" && !/^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/.test(ref)) throw new ContextError(`git ref ${JSON.stringify(ref.slice(0, 200))}: name a branch, a tag or a commit`);
}

/** The commit a fetched ref named, and its committer time (seconds since 1970). */
export interface FetchedCommit {
  readonly commit: string;
  readonly commitTime: number;
}

/**
 * Fetch `ref` (default: the remote's HEAD) of `url` and unpack its tree into
 * `contextDir`; `scratch` is removed afterwards. The archive has no .git, so
 * the commit and its time come back for the build to use as a local .git's.
 */
export async function fetchGitContext(url: string, ref: string, scratch: string, contextDir: string, limits: ContextLimits): Promise<ContextStats & FetchedCommit> {
  checkGitUrl(url, ref);
  mkdirSync(scratch, { recursive: true });
  try {
    await git(["init", "--quiet", "--bare", scratch], scratch);
    await git(["-C", scratch, "fetch", "--quiet", "--depth", "1", "--no-tags", "--", url, ref === "" ? "HEAD" : ref], scratch);
    const [commit = "", time = ""] = (await git(["-C", scratch, "show", "--no-patch", "--format=%H %ct", "FETCH_HEAD"], scratch)).trim().split(" ");
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit) || !/^\d+$/.test(time)) throw new ContextError(`git show FETCH_HEAD gave ${JSON.stringify(`${commit} ${time}`.slice(0, 100))}, not a commit and its time`);
    const archive = spawn("git", ["-C", scratch, "archive", "--format=tar", "FETCH_HEAD"], { stdio: ["ignore", "pipe", "pipe"], env: gitEnv() });
    let stderr = "";
    archive.stderr.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-OUTPUT_KEEP)));
    const exited = new Promise<number>((resolve) => archive.on("close", (code) => resolve(code ?? 1)));
    try {
      const stats = await receiveContext(archive.stdout, contextDir, limits);
      if ((await exited) !== 0) throw new ContextError(`git archive of ${url} failed: ${oneLine(stderr)}`);
      return { ...stats, commit, commitTime: Number(time) };
    } finally {
      archive.kill();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function gitEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: "/nonexistent",
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_PROTOCOL_FROM_USER: "0",
    GIT_ALLOW_PROTOCOL: "http:https:git",
  };
}

/** Runs git; resolves with what it printed (a line or two: only short answers are asked for). */
function git(args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", [...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env: gitEnv(), timeout: FETCH_TIMEOUT_MS });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout = (stdout + b.toString()).slice(0, OUTPUT_KEEP)));
    child.stderr.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-OUTPUT_KEEP)));
    child.on("error", (err) => reject(new ContextError(`cannot run git: ${err.message}`)));
    child.on("close", (code, signal) => {
      if (code === 0) resolve(stdout);
      else if (signal !== null) reject(new ContextError(`git ${args.includes("fetch") ? "fetch" : args[0]} took longer than ${FETCH_TIMEOUT_MS / 60_000} minutes: check the URL, or upload the context`));
      else reject(new ContextError(`git ${args.includes("fetch") ? "fetch" : args[0]} failed: ${oneLine(stderr)}`));
    });
  });
}

function oneLine(s: string): string {
  return s.trim().split("\n").filter(Boolean).pop()?.replace(/^(fatal|error): /, "") ?? "no message";
}

export const gitScratch = (buildDir: string): string => join(buildDir, "git");
