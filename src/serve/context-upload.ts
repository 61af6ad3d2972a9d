/**
 * An uploaded build context, unpacked as it streams in, with every entry
 * checked before anything is written: no absolute path, no `..`, no symlink
 * that leaves the context, no write through a symlink, no device or fifo,
 * and the size and file-count limits. Nothing lands outside `root`.
 */
import { constants } from "node:fs";
import { link, lstat, mkdir, open, symlink } from "node:fs/promises";
import { join, posix } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { extract as tarExtract, type Header } from "tar-stream";

export interface ContextLimits {
  readonly contextBytes: number;
  readonly contextFiles: number;
}

/** A context the service refuses: one line naming the entry and the fix. */
export class ContextError extends Error {
  override name = "ContextError";
}

/** The sender stopped or broke the stream: not the archive's fault. */
export class UploadEnded extends Error {
  override name = "UploadEnded";
}

export interface ContextStats {
  readonly files: number;
  readonly bytes: number;
}

/** Longest entry name accepted: Linux's PATH_MAX. */
const MAX_NAME = 4096;

/** Unpack the tar stream `chunks` into `root` (an empty directory that exists). */
export async function receiveContext(chunks: AsyncIterable<Uint8Array>, root: string, limits: ContextLimits): Promise<ContextStats> {
  const extract = tarExtract();
  let files = 0;
  let bytes = 0;
  extract.on("entry", (header, stream, next) => {
    const take = async () => {
      const rel = entryPath(header.name);
      if (++files > limits.contextFiles) throw new ContextError(`the context has more than ${limits.contextFiles} entries (at ${show(header.name)}): add a .dockerignore, or raise limits.contextFiles`);
      const size = header.size ?? 0;
      if (size > 0 && bytes + size > limits.contextBytes) {
        throw new ContextError(`the context is larger than ${limits.contextBytes} bytes (at ${show(header.name)}, ${size} bytes): add a .dockerignore, or raise limits.contextBytes`);
      }
      bytes += size;
      const target = rel.length === 0 ? root : join(root, ...rel);
      switch (header.type) {
        case "directory":
          await makeDirs(root, rel, header.name);
          return stream.resume();
        case "file":
        case "contiguous-file":
          await makeDirs(root, rel.slice(0, -1), header.name);
          return writeFile(stream, target, header);
        case "symlink":
          await makeDirs(root, rel.slice(0, -1), header.name);
          checkLink(rel, header.linkname ?? "", header.name);
          await symlink(header.linkname ?? "", target).catch(exists(header.name));
          return stream.resume();
        case "link": {
          await makeDirs(root, rel.slice(0, -1), header.name);
          const from = entryPath(header.linkname ?? "");
          const st = await lstat(join(root, ...from)).catch(() => undefined);
          if (st === undefined || !st.isFile()) throw new ContextError(`context entry ${show(header.name)} is a hard link to ${show(header.linkname ?? "")}, which is not a file before it in the tar: archive the file itself`);
          await link(join(root, ...from), target).catch(exists(header.name));
          return stream.resume();
        }
        default:
          throw new ContextError(`context entry ${show(header.name)} is a ${header.type ?? "special file"}: a build context holds files, directories and symlinks only; remove it or add it to .dockerignore`);
      }
    };
    take().then(
      () => next(),
      (err: unknown) => {
        // The entry's stream fails with the extractor; the pipeline reports it once.
        stream.on("error", () => {});
        stream.resume();
        extract.destroy(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
  try {
    await pipeline(Readable.from(bounded(chunks, limits.contextBytes)), extract);
  } catch (err) {
    if (err instanceof ContextError || err instanceof UploadEnded) throw err;
    throw new ContextError(`the context is not a valid tar stream (${err instanceof Error ? err.message : String(err)}): send an uncompressed tar`);
  }
  return { files, bytes };
}

/**
 * The raw stream, cut off well past what the entries may hold: headers and
 * padding cost at most 1.5 KiB per entry, but a stream of nothing but
 * headers (or garbage after the end) must not be read forever.
 */
async function* bounded(chunks: AsyncIterable<Uint8Array>, contextBytes: number): AsyncGenerator<Uint8Array> {
  const max = contextBytes * 2 + (64 << 20);
  let total = 0;
  const source = chunks[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await source.next();
    } catch (err) {
      throw new UploadEnded(err instanceof Error ? err.message : String(err));
    }
    if (next.done) return;
    total += next.value.byteLength;
    if (total > max) throw new ContextError(`the upload passed ${max} bytes, far beyond limits.contextBytes (${contextBytes}): send a plain tar of the context`);
    yield next.value;
  }
}

/** An entry's path as segments under the root; refuses absolute paths and `..`. */
function entryPath(name: string): string[] {
  if (name.length > MAX_NAME) throw new ContextError(`context entry ${show(name)} has a name longer than ${MAX_NAME} bytes: shorten it`);
  if (name.startsWith("/")) throw new ContextError(`context entry ${show(name)} is an absolute path: archive paths relative to the context directory`);
  const segments = name.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) throw new ContextError(`context entry ${show(name)} climbs out of the context with "..": archive paths inside the context directory`);
  return segments;
}

/** A symlink's target must resolve inside the context, relative to the link's own directory. */
function checkLink(rel: readonly string[], linkname: string, name: string): void {
  if (linkname === "" || linkname.startsWith("/")) {
    throw new ContextError(`context entry ${show(name)} is a symlink to ${show(linkname)}, outside the context: make it a relative link to a path inside the context`);
  }
  const resolved = posix.normalize(posix.join(...rel.slice(0, -1), linkname));
  if (resolved === ".." || resolved.startsWith("../")) {
    throw new ContextError(`context entry ${show(name)} is a symlink to ${show(linkname)}, outside the context: make it a relative link to a path inside the context`);
  }
}

/** Create the directories `rel` under root; every existing one must be a real directory, never a symlink. */
async function makeDirs(root: string, rel: readonly string[], name: string): Promise<void> {
  let dir = root;
  for (const seg of rel) {
    dir = join(dir, seg);
    const st = await lstat(dir).catch(() => undefined);
    if (st === undefined) await mkdir(dir, { mode: 0o755 });
    else if (st.isSymbolicLink()) throw new ContextError(`context entry ${show(name)} goes through the symlink ${show(seg)} written before it: archive the real path instead`);
    else if (!st.isDirectory()) throw new ContextError(`context entry ${show(name)} needs ${show(seg)} to be a directory, but it is a file: fix the archive`);
  }
}

async function writeFile(stream: AsyncIterable<unknown>, target: string, header: Header): Promise<void> {
  // O_NOFOLLOW and O_EXCL: never write through a link, never replace an entry.
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  try {
    const file = await open(target, flags, (header.mode ?? 0o644) & 0o777);
    await pipeline(stream, file.createWriteStream());
  } catch (err) {
    exists(header.name)(err);
  }
}

function exists(name: string): (err: unknown) => never {
  return (err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === "EEXIST" || (err as NodeJS.ErrnoException).code === "ELOOP") {
      throw new ContextError(`context entry ${show(name)} appears twice in the tar, or replaces a link: archive each path once`);
    }
    throw err;
  };
}

/** An entry name for a message: quoted, one line, cut short. */
function show(name: string): string {
  const cut = name.length > 200 ? `${name.slice(0, 200)}…` : name;
  return JSON.stringify(cut);
}
