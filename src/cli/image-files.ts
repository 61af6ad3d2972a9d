/**
 * An image's filesystem from `docker save` output (OCI layout + manifest.json):
 * layers applied in order with whiteouts, and the entrypoint binary found through symlinks.
 */
import { spawn } from "node:child_process";
import { posix } from "node:path";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { extract } from "tar-stream";

/** The saved image is not what we can read, or has no entrypoint binary. */
export class ImageError extends Error {
  override name = "ImageError";
}

export interface ImageFile {
  readonly path: string;
  readonly type: "file" | "symlink" | "directory" | "other";
  /** Bytes of a regular file; 0 for the rest. */
  readonly bytes: number;
  /** Symlink target. */
  readonly target?: string;
  readonly data?: Buffer;
  /** For a hard link: the path whose bytes it shares (stored once in the layer). */
  readonly linkOf?: string;
}

export interface SavedImage {
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly env: readonly string[];
  readonly workingDir: string;
  /** Every path in the final filesystem, "/etc/passwd" style. */
  readonly files: ReadonlyMap<string, ImageFile>;
}

interface TarEntry {
  readonly name: string;
  readonly type: string;
  readonly linkname: string | undefined;
  readonly data: Buffer;
}

/** Every entry of a tar stream, bodies in memory. */
function readTar(input: Buffer | NodeJS.ReadableStream): Promise<TarEntry[]> {
  return new Promise((resolve, reject) => {
    const entries: TarEntry[] = [];
    const ex = extract();
    ex.on("entry", (h, body, next) => {
      const chunks: Buffer[] = [];
      body.on("data", (c: unknown) => void chunks.push(c as Buffer));
      body.on("end", () => {
        entries.push({ name: h.name, type: h.type ?? "file", linkname: h.linkname ?? undefined, data: Buffer.concat(chunks) });
        next();
      });
      body.on("error", reject);
    });
    ex.on("finish", () => resolve(entries));
    ex.on("error", (e: Error) => reject(new ImageError(`not a readable tar: ${e.message}`)));
    (Buffer.isBuffer(input) ? Readable.from([input]) : input).pipe(ex);
  });
}

const clean = (name: string): string => posix.normalize(`/${name}`).replace(/\/+$/, "") || "/";

interface SaveManifest {
  Config?: string;
  Layers?: string[];
}

/** Read `docker save` output: manifest.json, the config, then each layer (gzip or plain tar). */
export async function readSavedImage(input: Buffer | NodeJS.ReadableStream): Promise<SavedImage> {
  const blobs = new Map((await readTar(input)).map((e) => [clean(e.name), e.data]));
  const manifestText = blobs.get("/manifest.json");
  if (manifestText === undefined) throw new ImageError("the saved image has no manifest.json: is it `docker save` output?");
  const first = parseJson<SaveManifest[]>(manifestText, "manifest.json")[0];
  if (!first?.Config || !Array.isArray(first.Layers)) throw new ImageError("the saved image's manifest.json names no config or layers");
  const blob = (name: string, what: string): Buffer => blobs.get(clean(name)) ?? assertNever(`the saved image lacks its ${what} ${name}`);
  const config = parseJson<{ config?: { Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] | null; WorkingDir?: string } }>(blob(first.Config, "config"), "config");

  const files = new Map<string, ImageFile>();
  for (const layer of first.Layers) applyLayer(files, await readTar(decompress(blob(layer, "layer"), layer)));
  return {
    entrypoint: config.config?.Entrypoint ?? [],
    cmd: config.config?.Cmd ?? [],
    env: config.config?.Env ?? [],
    workingDir: config.config?.WorkingDir || "/",
    files,
  };
}

function parseJson<T>(data: Buffer, what: string): T {
  try {
    return JSON.parse(data.toString("utf8")) as T;
  } catch {
    throw new ImageError(`the saved image's ${what} is not JSON`);
  }
}

function assertNever(message: string): never {
  throw new ImageError(message);
}

function decompress(data: Buffer, name: string): Buffer {
  if (data[0] === 0x1f && data[1] === 0x8b) return gunzipSync(data);
  if (data[0] === 0x28 && data[1] === 0xb5 && data[2] === 0x2f && data[3] === 0xfd) throw new ImageError(`layer ${name} is zstd-compressed, which slimgo size cannot read yet`);
  return data;
}

const WHITEOUT = ".wh.";
const OPAQUE = ".wh..wh..opq";

/** Apply one layer: whiteouts delete what lower layers had, an opaque marker empties a directory of lower entries. */
function applyLayer(files: Map<string, ImageFile>, entries: readonly TarEntry[]): void {
  const added = new Set<string>();
  const removeUnder = (dir: string, keepAdded: boolean): void => {
    for (const p of [...files.keys()]) if ((p === dir || p.startsWith(`${dir === "/" ? "" : dir}/`)) && !(keepAdded && added.has(p))) files.delete(p);
  };
  for (const e of entries) {
    const path = clean(e.name);
    const base = posix.basename(path);
    const dir = posix.dirname(path);
    if (base === OPAQUE) {
      for (const p of [...files.keys()]) if (p.startsWith(`${dir === "/" ? "" : dir}/`) && !added.has(p)) files.delete(p);
      continue;
    }
    if (base.startsWith(WHITEOUT)) {
      removeUnder(posix.join(dir, base.slice(WHITEOUT.length)), false);
      continue;
    }
    let file: ImageFile;
    if (e.type === "file" || e.type === "contiguous-file") file = { path, type: "file", bytes: e.data.length, data: e.data };
    else if (e.type === "link") {
      // A hard link names a path in the same archive; it shares that file's bytes.
      const target = files.get(clean(e.linkname ?? ""));
      file = target?.type === "file" ? { ...target, path, linkOf: target.path } : { path, type: "other", bytes: 0 };
    } else if (e.type === "symlink") file = { path, type: "symlink", bytes: 0, target: e.linkname ?? "" };
    else if (e.type === "directory") file = { path, type: "directory", bytes: 0 };
    else file = { path, type: "other", bytes: 0 };
    // A file replacing a directory replaces all under it.
    if (file.type !== "directory") removeUnder(path, true);
    files.set(path, file);
    added.add(path);
  }
}

const MAX_HOPS = 40;
const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Follow symlinks (in any component) to the file a path names; undefined when it leads nowhere. */
export function resolveInImage(files: ReadonlyMap<string, ImageFile>, path: string): ImageFile | undefined {
  let rest = clean(path).split("/").filter(Boolean);
  let cur = "";
  for (let hops = 0; rest.length > 0; ) {
    const [name, ...tail] = rest as [string, ...string[]];
    const next = `${cur}/${name}`;
    const f = files.get(next);
    if (f?.type === "symlink") {
      if (++hops > MAX_HOPS) return undefined;
      const target = f.target?.startsWith("/") ? f.target : posix.join(cur || "/", f.target ?? "");
      rest = [...clean(target).split("/").filter(Boolean), ...tail];
      cur = "";
      continue;
    }
    // Layers need not list every parent directory, so a missing one is not an error until the end.
    cur = next;
    rest = tail;
  }
  return files.get(cur || "/");
}

/** The file the image runs: Entrypoint[0], else Cmd[0], looked up in the config's PATH when it has no slash. */
export function entrypointBinary(image: SavedImage): ImageFile {
  const argv0 = image.entrypoint[0] ?? image.cmd[0];
  if (argv0 === undefined) throw new ImageError("the image has neither Entrypoint nor Cmd: pass its binary with `slimgo size FILE` instead");
  const pathVar = image.env.find((e) => e.startsWith("PATH="))?.slice(5) ?? DEFAULT_PATH;
  const candidates = argv0.includes("/") ? [posix.resolve(image.workingDir, argv0)] : pathVar.split(":").filter(Boolean).map((d) => posix.join(d, argv0));
  for (const c of candidates) {
    const f = resolveInImage(image.files, c);
    if (f?.type === "file") return f;
  }
  throw new ImageError(`the image runs ${JSON.stringify(argv0)} but no such file is in it (looked at ${candidates.join(", ")})`);
}

/** `docker save REF` as a stream; rejects with docker's message when it fails. */
export async function dockerSave(ref: string): Promise<SavedImage> {
  const child = spawn("docker", ["save", ref], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => void (stderr += c.toString("utf8")));
  const exited = new Promise<number>((resolve, reject) => {
    child.on("error", (e) => reject(new ImageError(`cannot run docker: ${e.message}`)));
    child.on("close", (code) => resolve(code ?? 1));
  });
  const parsed = readSavedImage(child.stdout).catch((e: unknown) => e);
  const code = await exited;
  if (code !== 0) throw new ImageError(`docker save ${ref} failed: ${stderr.trim() || `exit code ${code}`}`);
  const result = await parsed;
  if (result instanceof Error) throw result;
  return result as SavedImage;
}
