/** The build's inputs read from a directory on disk, for `slimgo check|plan`: the same files the frontend reads through BuildKit. */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, isAbsolute, join } from "node:path";
import { FileTooLargeError } from "../gateway/reply-errors.js";
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
  };
}

/** The spec's name as BuildKit sees it: the file name, without its directory. */
export function specFilename(specPath: string): string {
  return basename(specPath);
}
