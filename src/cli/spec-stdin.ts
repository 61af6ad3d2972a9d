/**
 * `-f -`: the spec read from stdin, as buildx reads a Dockerfile. It is
 * served to BuildKit as the `dockerfile` local from a private temporary
 * directory (0700) that the build always removes, so BuildKit reads it the
 * way it reads any spec file.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_INPUT_BYTES } from "../server/project-source.js";
import { FlagError } from "./build-flags.js";

/** The name the spec has in its directory: what errors and the `filename` option show. */
export const STDIN_SPEC_NAME = "slimgo.yaml";

export interface StdinSpec {
  readonly dir: string;
  readonly file: string;
  dispose(): void;
}

type Input = NodeJS.ReadableStream & { readonly isTTY?: boolean };

/** All of stdin, at most `max` bytes; an empty or terminal stdin is an error with the fix. */
export async function readStdinSpec(stdin: Input, max = MAX_INPUT_BYTES): Promise<Uint8Array> {
  if (stdin.isTTY === true) throw new FlagError("slimgo build: -f -: stdin is a terminal: pipe the spec in (slimgo build -f - . < slimgo.yaml)");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const b = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > max) throw new FlagError(`slimgo build: -f -: the spec on stdin is over ${max} bytes: a spec is a few lines; pipe the right file`);
    chunks.push(b);
  }
  if (size === 0) throw new FlagError("slimgo build: -f -: stdin is empty: pipe the spec in (slimgo build -f - . < slimgo.yaml)");
  return Buffer.concat(chunks);
}

/** The spec in a fresh private directory; dispose() removes it. */
export function stdinSpecDir(data: Uint8Array): StdinSpec {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-spec-"));
  const file = join(dir, STDIN_SPEC_NAME);
  writeFileSync(file, data, { mode: 0o600 });
  return { dir, file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
