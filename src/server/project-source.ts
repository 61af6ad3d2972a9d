/**
 * Where a build's inputs come from. The frontend reads them through
 * BuildKit (gateway-source.ts), `slimgo check|plan` from the disk
 * (disk-source.ts); everything after the read is one code path
 * (load-project.ts), so the two can never plan differently.
 */
import { parseGoMod, parseGoWork } from "../gomod/index.js";
import { type WorkspaceInput, isCommitHash, missingUseError, packedRef, parseGitHead, useDir } from "../plan/index.js";
import { type GitFiles, GitObjectError, commitTime } from "../vcs/index.js";
import type { ContextTree } from "./go-headers.js";

export interface SpecInput {
  readonly filename: string;
  readonly data: Uint8Array;
  /** `<spec>.dockerignore` beside the spec, which takes precedence over the context's. */
  readonly dockerignore: Uint8Array | undefined;
  /** Digest of the step that loaded the spec: warnings attach to it in the progress output. */
  readonly vertex: string | undefined;
}

export interface ContextInput {
  readonly goMod: Uint8Array | undefined;
  /** go.sum is there (its content is never read: the download step mounts the file itself). */
  readonly hasGoSum: boolean;
  readonly dockerignore: Uint8Array | undefined;
  readonly vendored: boolean;
  readonly goWork: Uint8Array | undefined;
  /** The context root has .git/HEAD (before .dockerignore is applied). */
  readonly gitHead: boolean;
}

/** readRange and listFiles serve git's objects, which are only ever added, never edited in place. */
export interface ProjectSource extends GitFiles {
  /** The spec file and the `<name>.dockerignore` beside it; MissingFileError when there is no spec. */
  readSpec(filename: string): Promise<SpecInput>;
  /** go.mod, go.work and .dockerignore at the context root, and which of go.sum, vendor/modules.txt and .git are there. */
  readContext(): Promise<ContextInput>;
  /** The files at these context paths, in order; undefined for one that is not there. At most `maxBytes` each (default MAX_INPUT_BYTES). */
  readFiles(paths: readonly string[], maxBytes?: number): Promise<Array<Uint8Array | undefined>>;
  /** The context with `excludes` (.dockerignore) applied, for go-headers.ts. */
  contextTree(excludes: readonly string[]): Promise<ContextTree>;
}

/**
 * The most slimgo reads of the spec, go.mod, go.work and .dockerignore:
 * hundreds of times any real one, and small enough that a mistaken or
 * hostile file fails at once with its name instead of filling memory.
 */
export const MAX_INPUT_BYTES = 1 << 20;

/** A file the user named that could not be found. */
export class MissingFileError extends Error {
  override name = "MissingFileError";
}

/** go.work and the go.mod of each module it uses; records the files for error framing. */
export async function readWorkspace(
  source: ProjectSource,
  goWorkData: Uint8Array,
  sources: { goFiles?: ReadonlyMap<string, Uint8Array> },
): Promise<WorkspaceInput> {
  const files = new Map<string, Uint8Array>([["go.work", goWorkData]]);
  sources.goFiles = files;
  const goWork = parseGoWork(new TextDecoder().decode(goWorkData), "go.work");
  // useDir refuses a `use` outside the context before anything is read.
  const dirs = goWork.use.map((u) => useDir(u));
  const paths = dirs.map((dir) => (dir === "." ? "go.mod" : `${dir}/go.mod`));
  const contents = await source.readFiles(paths);
  const modules = dirs.map((dir, i) => {
    const path = paths[i] ?? "go.mod";
    const data = contents[i];
    if (data === undefined) throw missingUseError(goWork.use[i] ?? { path: dir, line: 1 }, path);
    files.set(path, data);
    return { dir, goMod: parseGoMod(new TextDecoder().decode(data), path) };
  });
  return { goWork, modules };
}

/** packed-refs of a repository with a great many tags runs to megabytes; past this it is not read. */
const MAX_PACKED_REFS_BYTES = 32 << 20;

/**
 * The commit `.git/HEAD` names: HEAD, then the loose ref it points to, else
 * that ref's line in packed-refs; undefined when .git holds none (a
 * worktree's .git file, an unborn branch).
 */
export async function readCommit(source: ProjectSource): Promise<string | undefined> {
  const text = (data: Uint8Array | undefined) => (data === undefined ? undefined : new TextDecoder().decode(data));
  const [headData] = await source.readFiles([".git/HEAD"]);
  const head = parseGitHead(text(headData) ?? "");
  if (head === undefined || "commit" in head) return head?.commit;
  const [looseData, packedData] = await source.readFiles([`.git/${head.ref}`, ".git/packed-refs"], MAX_PACKED_REFS_BYTES);
  const loose = text(looseData)?.trim();
  if (loose !== undefined && isCommitHash(loose)) return loose;
  const packed = text(packedData);
  return packed === undefined ? undefined : packedRef(packed, head.ref);
}

/**
 * The committer time of `commit`, from the context's .git objects; undefined
 * when the repository does not hold it or holds something git would not write.
 */
export async function readCommitTime(source: ProjectSource, commit: string): Promise<number | undefined> {
  try {
    return await commitTime(source, commit);
  } catch (err) {
    if (err instanceof GitObjectError) return undefined;
    throw err;
  }
}
