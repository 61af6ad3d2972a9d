/** The build's inputs read from a directory on disk, for `slimgo check|plan`: the same files the frontend reads through BuildKit. */
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync, readSync, readdirSync, statSync } from "node:fs";
import { basename, isAbsolute, join } from "node:path";
import { FileTooLargeError } from "../gateway/reply-errors.js";
import { PatternError, PatternMatcher } from "../patterns/pattern-matcher.js";
import type { ContextTree } from "./go-headers.js";
import { type ContextInput, MAX_INPUT_BYTES, MissingFileError, type ProjectSource, type SpecInput } from "./project-source.js";

/** `dir` is the build context; `specPath` the spec, relative to `dir` or absolute (its directory is the build definition's). */
export function diskSource(dir: string, specPath: string): ProjectSource {
  const specFile = isAbsolute(specPath) ? specPath : join(dir, specPath);
  const read = (path: string, maxBytes = MAX_INPUT_BYTES): Uint8Array | undefined => {
    let size: number;
    try {
      const stat = statSync(path);
      if (!stat.isFile()) return undefined;
      size = stat.size;
    } catch {
      return undefined;
    }
    if (size > maxBytes) throw new FileTooLargeError(path, maxBytes);
    return readFileSync(path);
  };
  const inContext = (name: string, maxBytes?: number) => read(join(dir, name), maxBytes);

  return {
    async readSpec(filename: string): Promise<SpecInput> {
      const data = read(specFile);
      if (data === undefined) throw new MissingFileError(`${specFile}: no such file: pass the spec with -f`);
      return { filename, data, dockerignore: read(`${specFile}.dockerignore`), vertex: undefined };
    },
    async readContext(): Promise<ContextInput> {
      return {
        goMod: inContext("go.mod"),
        hasGoSum: existsSync(join(dir, "go.sum")),
        goWork: inContext("go.work"),
        dockerignore: inContext(".dockerignore"),
        vendored: existsSync(join(dir, "vendor/modules.txt")),
        gitHead: existsSync(join(dir, ".git/HEAD")),
      };
    },
    async readFiles(paths: readonly string[], maxBytes?: number): Promise<Array<Uint8Array | undefined>> {
      return paths.map((p) => inContext(p, maxBytes));
    },
    async readRange(path: string, offset: number, length: number): Promise<Uint8Array | undefined> {
      return readRange(join(dir, path), offset, length);
    },
    async contextTree(excludes: readonly string[]): Promise<ContextTree> {
      const matcher = patternsOrNone(excludes);
      return {
        list: async (sub) =>
          readdirSync(join(dir, sub), { withFileTypes: true }).map((e) => ({
            name: e.name,
            kind: e.isSymbolicLink() ? "symlink" : e.isDirectory() ? "dir" : e.isFile() ? "file" : "other",
          })),
        read: async (path, length) => readRange(join(dir, path), 0, length) ?? new Uint8Array(),
        // As BuildKit's walk: a directory an exception may reach into is entered, its files judged one by one.
        excluded: (path, kind) => matcher !== undefined && matcher.matchesOrParentMatches(path) && !(kind === "dir" && matcher.exclusions),
      };
    },

    async listFiles(sub: string, suffix: string): Promise<string[]> {
      try {
        return readdirSync(join(dir, sub), { withFileTypes: true })
          .filter((e) => e.isFile() && e.name.endsWith(suffix))
          .map((e) => e.name)
          .sort();
      } catch {
        return [];
      }
    },
  };
}

/** Up to `length` bytes from `offset`; undefined when `path` is not a file. */
function readRange(path: string, offset: number, length: number): Uint8Array | undefined {
  let fd: number;
  try {
    // Non-blocking, so a FIFO planted in .git cannot stall the open.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return undefined;
    const out = Buffer.alloc(Math.max(0, Math.min(length, stat.size - offset)));
    let at = 0;
    while (at < out.length) {
      const n = readSync(fd, out, at, out.length - at, offset + at);
      if (n === 0) break;
      at += n;
    }
    return out.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/** The spec's name as BuildKit sees it: the file name, without its directory. */
export function specFilename(specPath: string): string {
  return basename(specPath);
}

/** The matcher for `.dockerignore`; none for a malformed one, which BuildKit refuses when the build reads the context. */
function patternsOrNone(excludes: readonly string[]): PatternMatcher | undefined {
  try {
    return excludes.length > 0 ? new PatternMatcher(excludes) : undefined;
  } catch (e) {
    if (e instanceof PatternError) return undefined;
    throw e;
  }
}
