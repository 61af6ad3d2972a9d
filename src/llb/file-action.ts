/**
 * File actions, chained like Go's `llb.Mkdir(...).Mkfile(...).Copy(...)`.
 * A chain is an immutable list; `State.file` turns it into one FileOp.
 */
import { LlbError } from "./errors.js";
import type { State } from "./state.js";

/** A numeric owner, written as `byID` user and group. */
export interface Owner {
  readonly user: number;
  readonly group: number;
}

/** Seconds since the Unix epoch that BuildKit sets as the mtime of what an action creates; unset keeps its own. */
export interface Timestamped {
  readonly timestamp?: number;
}

export interface MkdirOptions extends Timestamped {
  readonly makeParents?: boolean;
  readonly owner?: Owner;
}

export interface MkfileOptions extends Timestamped {
  readonly owner?: Owner;
}

export interface CopyOptions extends Timestamped {
  readonly owner?: Owner;
  /** File mode for the copied files; unset keeps the source's. */
  readonly mode?: number;
  readonly followSymlinks?: boolean;
  readonly copyDirContentsOnly?: boolean;
  readonly createDestPath?: boolean;
  readonly allowWildcard?: boolean;
  readonly allowEmptyWildcard?: boolean;
  readonly includePatterns?: readonly string[];
  readonly excludePatterns?: readonly string[];
}

export type FileAction =
  | { readonly kind: "mkdir"; readonly path: string; readonly mode: number; readonly opts: MkdirOptions }
  | { readonly kind: "mkfile"; readonly path: string; readonly mode: number; readonly data: Uint8Array; readonly opts: MkfileOptions }
  | { readonly kind: "copy"; readonly from: State; readonly src: string; readonly dest: string; readonly opts: CopyOptions };

/** An ordered, immutable list of file actions. */
export class FileActionChain {
  readonly actions: ReadonlyArray<FileAction>;

  private constructor(actions: ReadonlyArray<FileAction>) {
    this.actions = Object.freeze([...actions]);
    Object.freeze(this);
  }

  /** @internal starts a chain with one action */
  static of(action: FileAction): FileActionChain {
    return new FileActionChain([action]);
  }

  mkdir(path: string, mode: number, opts?: MkdirOptions): FileActionChain {
    return this.#then(mkdirAction(path, mode, opts));
  }

  mkfile(path: string, mode: number, data: Uint8Array | string, opts?: MkfileOptions): FileActionChain {
    return this.#then(mkfileAction(path, mode, data, opts));
  }

  copy(from: State, src: string, dest: string, opts?: CopyOptions): FileActionChain {
    return this.#then(copyAction(from, src, dest, opts));
  }

  #then(action: FileAction): FileActionChain {
    return new FileActionChain([...this.actions, action]);
  }
}

/** Creates a directory (mode is masked to 0o777). */
export function mkdir(path: string, mode: number, opts?: MkdirOptions): FileActionChain {
  return FileActionChain.of(mkdirAction(path, mode, opts));
}

/** Creates a file with the given contents (strings are written as UTF-8). */
export function mkfile(path: string, mode: number, data: Uint8Array | string, opts?: MkfileOptions): FileActionChain {
  return FileActionChain.of(mkfileAction(path, mode, data, opts));
}

/** Copies `src` (relative to `from`'s dir) to `dest` (relative to the target state's dir). */
export function copy(from: State, src: string, dest: string, opts?: CopyOptions): FileActionChain {
  return FileActionChain.of(copyAction(from, src, dest, opts));
}

function mkdirAction(path: string, mode: number, opts: MkdirOptions = {}): FileAction {
  checkPath("mkdir", path);
  checkMode("mkdir", path, mode);
  checkOwner("mkdir", path, opts.owner);
  return Object.freeze({ kind: "mkdir", path, mode, opts: Object.freeze({ ...opts }) });
}

function mkfileAction(path: string, mode: number, data: Uint8Array | string, opts: MkfileOptions = {}): FileAction {
  checkPath("mkfile", path);
  checkMode("mkfile", path, mode);
  checkOwner("mkfile", path, opts.owner);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : Uint8Array.from(data);
  return Object.freeze({ kind: "mkfile", path, mode, data: bytes, opts: Object.freeze({ ...opts }) });
}

function copyAction(from: State, src: string, dest: string, opts: CopyOptions = {}): FileAction {
  checkPath("copy", src);
  checkPath("copy", dest);
  if (opts.mode !== undefined) checkMode("copy", dest, opts.mode);
  checkOwner("copy", dest, opts.owner);
  const frozen: CopyOptions = Object.freeze({
    ...opts,
    ...(opts.includePatterns !== undefined ? { includePatterns: Object.freeze([...opts.includePatterns]) } : {}),
    ...(opts.excludePatterns !== undefined ? { excludePatterns: Object.freeze([...opts.excludePatterns]) } : {}),
  });
  return Object.freeze({ kind: "copy", from, src, dest, opts: frozen });
}

function checkPath(verb: string, path: string): void {
  if (path === "") throw new LlbError(`${verb}: path is empty`);
}

function checkMode(verb: string, path: string, mode: number): void {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0x7fffffff) throw new LlbError(`${verb} ${path}: invalid mode ${mode}`);
}

function checkOwner(verb: string, path: string, owner: Owner | undefined): void {
  if (owner === undefined) return;
  for (const id of [owner.user, owner.group]) {
    if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new LlbError(`${verb} ${path}: invalid owner id ${id}`);
  }
}
