/**
 * An image's filesystem from `docker save` output (OCI layout + manifest.json):
 * layers applied in order with whiteouts, and the entrypoint binary found through symlinks.
 * Only the metadata of the layers' files is kept; a file's bytes are read again when asked for.
 */
import { spawn } from "node:child_process";
import { posix } from "node:path";
import { type ArchiveLimits, ArchiveReader, DEFAULT_LIMITS, ImageError, type LayerEntry } from "./image-archive.js";
import { LayeredTree } from "./image-layers.js";
import { type SaveManifest, type StartConfig, parseManifest, parseStartConfig } from "./saved-image-json.js";

export { ImageArchiveError, ImageError, type ArchiveLimits } from "./image-archive.js";

export interface ImageFile {
  readonly path: string;
  readonly type: "file" | "symlink" | "directory" | "other";
  /** Bytes of a regular file; 0 for the rest. */
  readonly bytes: number;
  /** Symlink target. */
  readonly target?: string;
  /** For a hard link: the path whose bytes it shares (stored once in the layer). */
  readonly linkOf?: string;
  /** Where a regular file's bytes are: the index of its layer and of its entry in that layer. */
  readonly layer?: number;
  readonly entry?: number;
}

export interface SavedImage extends StartConfig {
  /** Every path in the final filesystem, "/etc/passwd" style. */
  readonly files: ReadonlyMap<string, ImageFile>;
  /** The bytes of a regular file of `files`, read from its layer again. */
  readonly read: (file: ImageFile) => Promise<Buffer>;
}

export interface ReadOptions {
  /** How errors name the archive, e.g. "image app:1"; "the saved image" by default. */
  readonly archive?: string;
  readonly limits?: Partial<ArchiveLimits>;
}

const clean = (name: string): string => posix.normalize(`/${name}`).replace(/\/+$/, "") || "/";

/** Read `docker save` output: manifest.json, the config, then each layer (gzip or plain tar); throws ImageArchiveError when it is damaged. */
export async function readSavedImage(input: Buffer | NodeJS.ReadableStream, opts: ReadOptions = {}): Promise<SavedImage> {
  const reader = new ArchiveReader(opts.archive ?? "the saved image", { ...DEFAULT_LIMITS, ...opts.limits });
  const members = await reader.members(input, clean);
  const manifestData = members.get("/manifest.json");
  if (manifestData === undefined) throw reader.error("manifest.json", "missing: is it `docker save` output?");
  const manifest = parseManifest(manifestData, (problem) => reader.error("manifest.json", problem));
  reader.checkLayerCount(manifest.layers.length);
  const member = (what: "config" | "layer", path: string): Buffer => {
    const data = members.get(clean(path));
    if (data === undefined) throw reader.error(`${what} ${path}`, "missing from the archive");
    return data;
  };
  const config = parseStartConfig(member("config", manifest.config), (problem) => reader.error(`config ${manifest.config}`, problem));

  const tree = new LayeredTree<ImageFile>();
  for (const [layer, name] of manifest.layers.entries()) {
    tree.nextLayer();
    await reader.layer(name, member("layer", name), (e, entry) => {
      apply(tree, e, layer, entry);
      return false;
    });
  }
  return { ...config, files: tree.files(), read: (file) => readBytes(reader.again(), manifest, member, file) };
}

const WHITEOUT = ".wh.";
const OPAQUE = ".wh..wh..opq";

/** One layer entry: a whiteout deletes what lower layers had, an opaque marker empties a directory of lower entries, the rest are files. */
function apply(tree: LayeredTree<ImageFile>, e: LayerEntry, layer: number, entry: number): void {
  const path = clean(e.name);
  const base = posix.basename(path);
  const dir = posix.dirname(path);
  if (base === OPAQUE) return tree.makeOpaque(dir);
  if (base.startsWith(WHITEOUT)) return tree.remove(posix.join(dir, base.slice(WHITEOUT.length)));
  let file: ImageFile;
  if (e.type === "file" || e.type === "contiguous-file") file = { path, type: "file", bytes: e.size, layer, entry };
  else if (e.type === "link") {
    // A hard link names a path in the same archive; it shares that file's bytes.
    const target = tree.get(clean(e.linkname ?? ""));
    file = target?.type === "file" ? { ...target, path, linkOf: target.path } : { path, type: "other", bytes: 0 };
  } else if (e.type === "symlink") file = { path, type: "symlink", bytes: 0, target: e.linkname ?? "" };
  else if (e.type === "directory") file = { path, type: "directory", bytes: 0 };
  else file = { path, type: "other", bytes: 0 };
  tree.put(file);
}

/** A regular file's bytes: its layer streamed again up to its entry. */
async function readBytes(reader: ArchiveReader, manifest: SaveManifest, member: (what: "layer", path: string) => Buffer, file: ImageFile): Promise<Buffer> {
  const name = file.layer === undefined ? undefined : manifest.layers[file.layer];
  if (file.type !== "file" || name === undefined) throw new ImageError(`${file.path} is not a regular file of the image`);
  const max = reader.limits.fileBytes;
  if (file.bytes > max) throw reader.error(`layer ${name}`, `${file.path} is ${file.bytes} bytes, more than the ${max} slimgo size reads`);
  let data: Buffer | undefined;
  await reader.layer(name, member("layer", name), async (e, entry) => {
    if (entry !== file.entry) return false;
    const chunks: Buffer[] = [];
    for await (const c of e.body) chunks.push(c as Buffer);
    data = Buffer.concat(chunks);
    return true;
  });
  if (data === undefined) throw reader.error(`layer ${name}`, `${file.path} was not there when read again`);
  return data;
}

/** The kernel's limits: symlinks followed in one lookup, bytes of a path. */
const MAX_HOPS = 40;
const PATH_MAX = 4096;
/** Directories of PATH searched; a config may list any number. */
const MAX_PATH_DIRS = 1024;
const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const components = (path: string): string[] => clean(path).split("/").filter(Boolean);

/** Follow symlinks (in any component) to the file a path names; undefined when it leads nowhere or grows past PATH_MAX. */
export function resolveInImage(files: ReadonlyMap<string, ImageFile>, path: string): ImageFile | undefined {
  // The components still to walk, the next one last, so that taking one never copies the rest.
  const todo = components(path).reverse();
  let cur = "";
  for (let hops = 0; todo.length > 0; ) {
    const next = `${cur}/${todo.pop() as string}`;
    if (next.length > PATH_MAX) return undefined;
    const f = files.get(next);
    if (f?.type === "symlink") {
      if (++hops > MAX_HOPS) return undefined;
      const target = f.target?.startsWith("/") ? f.target : posix.join(cur || "/", f.target ?? "");
      for (const c of components(target).reverse()) todo.push(c);
      cur = "";
      continue;
    }
    // Layers need not list every parent directory, so a missing one is not an error until the end.
    cur = next;
  }
  return files.get(cur || "/");
}

/** The file the image runs: Entrypoint[0], else Cmd[0], looked up in the config's PATH when it has no slash. */
export function entrypointBinary(image: SavedImage): ImageFile {
  const argv0 = image.entrypoint[0] ?? image.cmd[0];
  if (argv0 === undefined) throw new ImageError("the image has neither Entrypoint nor Cmd: pass its binary with `slimgo size FILE` instead");
  if (argv0.length > PATH_MAX) throw new ImageError(`the image runs a path of ${argv0.length} bytes, more than PATH_MAX (${PATH_MAX}), the limit`);
  const dirs = (image.env.find((e) => e.startsWith("PATH="))?.slice(5) ?? DEFAULT_PATH).split(":").filter(Boolean);
  if (!argv0.includes("/") && dirs.length > MAX_PATH_DIRS) throw new ImageError(`the image's PATH lists ${dirs.length} directories, more than ${MAX_PATH_DIRS}, the limit`);
  const candidates = argv0.includes("/") ? [posix.resolve(image.workingDir, argv0)] : dirs.map((d) => posix.join(d, argv0));
  for (const c of candidates) {
    const f = resolveInImage(image.files, c);
    if (f?.type === "file") return f;
  }
  // The message names a few of the places: a PATH can list a thousand.
  const shown = candidates.slice(0, SHOWN).join(", ") + (candidates.length > SHOWN ? ` and ${candidates.length - SHOWN} more` : "");
  throw new ImageError(`the image runs ${JSON.stringify(argv0)} but no such file is in it (looked at ${shown})`);
}

const SHOWN = 5;

/** `docker save REF` as a stream; rejects with docker's message when it fails. */
export async function dockerSave(ref: string): Promise<SavedImage> {
  const child = spawn("docker", ["save", ref], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => void (stderr += c.toString("utf8")));
  const exited = new Promise<number>((resolve, reject) => {
    child.on("error", (e) => reject(new ImageError(`cannot run docker: ${e.message}`)));
    child.on("close", (code) => resolve(code ?? 1));
  });
  // A reader that gives up stops draining docker's output, so docker is stopped rather than left blocked on a full pipe.
  let stopped = false;
  const parsed = readSavedImage(child.stdout, { archive: `image ${ref}` }).then(
    (image) => ({ image }),
    (error: unknown) => {
      if (child.exitCode === null && child.signalCode === null) {
        stopped = true;
        child.kill();
      }
      return { error };
    },
  );
  const code = await exited;
  const result = await parsed;
  // docker's own complaint names the cause (no such image) even when the reader, seeing no archive, gave up first.
  if (code !== 0 && (!stopped || stderr.trim() !== "")) throw new ImageError(`docker save ${ref} failed: ${stderr.trim() || `exit code ${code}`}`);
  if ("error" in result) throw result.error;
  return result.image;
}
