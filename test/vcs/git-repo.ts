/** Real repositories made with the git CLI, for the object reader's tests. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface GitRepo {
  readonly dir: string;
  /** Runs git in the repository and returns its output, trimmed. */
  readonly git: (...args: string[]) => string;
  /** Commits a change to file.txt at `time` (seconds), committer and author alike; returns the hash. */
  readonly commit: (message: string, time: number) => string;
}

/** A new repository in a temporary directory. */
export function gitRepo(): GitRepo {
  return gitRepoIn(mkdtempSync(join(tmpdir(), "slimgo-git-")));
}

/** A new repository in `dir`. */
export function gitRepoIn(dir: string): GitRepo {
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "gc.auto=0", ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" },
    }).trim();
  git("init", "-q", "-b", "main");
  let n = 0;
  const commit = (message: string, time: number) => {
    execFileSync("sh", ["-c", `echo ${n++} > file.txt`], { cwd: dir });
    git("add", "file.txt");
    const date = `${time} +0100`;
    execFileSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", message], {
      cwd: dir,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date },
    });
    return git("rev-parse", "HEAD");
  };
  return { dir, git, commit };
}

/** The pack's only index and pack files, relative to the repository. */
export function onlyPack(dir: string): { idx: string; pack: string } {
  const names = readdirSync(join(dir, ".git/objects/pack")).filter((n) => n.endsWith(".idx"));
  if (names.length !== 1) throw new Error(`expected one pack, found ${names.length}`);
  const idx = `.git/objects/pack/${names[0]}`;
  return { idx, pack: idx.replace(/\.idx$/, ".pack") };
}

/** Per packed object, from git verify-pack: its type, offset in the pack and delta depth (0 when whole). */
export function packEntries(git: (...args: string[]) => string, idx: string): Map<string, { type: string; offset: number; depth: number }> {
  const out = new Map<string, { type: string; offset: number; depth: number }>();
  for (const line of git("verify-pack", "-v", idx).split("\n")) {
    const f = line.split(/\s+/);
    if (f.length < 5 || !/^[0-9a-f]{40}$/.test(f[0] as string)) continue;
    out.set(f[0] as string, { type: f[1] as string, offset: Number(f[4]), depth: f.length >= 7 ? Number(f[5]) : 0 });
  }
  return out;
}

/** The type bits of the entry at `offset` in a pack: 1 commit … 6 OFS_DELTA, 7 REF_DELTA. */
export function entryType(packFile: string, offset: number): number {
  return ((readFileSync(packFile)[offset] as number) >> 4) & 7;
}
