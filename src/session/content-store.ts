/**
 * A local cache directory (an OCI layout: blobs/<alg>/<hex>, index.json,
 * oci-layout) as the content store BuildKit reads and writes through the
 * session. New blobs are written into a hidden sibling of the directory and
 * move in only when the build succeeds, so a failed build leaves it as it was.
 * Paths come from validated digests and hashed refs only: nothing BuildKit
 * sends can name a file outside the store.
 */
import { type Hash, createHash, randomBytes } from "node:crypto";
import { type FileHandle, copyFile, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { status } from "@grpc/grpc-js";
import { StatusError } from "./grpc-service.js";

/** What one Read reply carries at most (messages stay far below the 16 MiB limit). */
const READ_CHUNK = 1 << 20;

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export interface BlobInfo {
  readonly digest: string;
  readonly size: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface IngestStatus {
  readonly ref: string;
  readonly offset: number;
  readonly total: number;
  readonly expected: string;
  readonly startedAt: Date;
  readonly updatedAt: Date;
}

/** `sha256:<hex>` → its algorithm and hex, or INVALID_ARGUMENT. */
export function parseDigest(digest: string): { alg: "sha256" | "sha512"; hex: string } {
  if (!DIGEST.test(digest)) throw new StatusError(status.INVALID_ARGUMENT, `"${digest.slice(0, 80)}" is not a sha256 or sha512 digest`);
  const [alg, hex] = digest.split(":") as ["sha256" | "sha512", string];
  return { alg, hex };
}

export interface Ingest {
  readonly ref: string;
  readonly file: string;
  handle: FileHandle | undefined;
  offset: number;
  total: number;
  expected: string;
  hash: Hash;
  readonly alg: "sha256" | "sha512";
  readonly startedAt: Date;
  updatedAt: Date;
}

export class LocalContentStore {
  readonly dir: string;
  private staging: string | undefined;
  private making: Promise<string> | undefined;
  private readonly ingests = new Map<string, Ingest>();
  private readonly staged = new Set<string>();

  /** `writable`: BuildKit may add blobs (a --cache-to directory); else it only reads. */
  constructor(
    dir: string,
    readonly writable: boolean,
  ) {
    this.dir = resolve(dir);
  }

  /** The file holding a blob, staged or in the directory; undefined when neither has it. */
  private async locate(digest: string): Promise<{ path: string; size: number; mtime: Date; birthtime: Date } | undefined> {
    const { alg, hex } = parseDigest(digest);
    const places = this.staging !== undefined && this.staged.has(digest) ? [join(this.staging, "blobs", alg, hex)] : [];
    places.push(join(this.dir, "blobs", alg, hex));
    for (const path of places) {
      const st = await stat(path).catch(() => undefined);
      if (st?.isFile()) return { path, size: st.size, mtime: st.mtime, birthtime: st.birthtime };
    }
    return undefined;
  }

  async info(digest: string): Promise<BlobInfo> {
    const found = await this.locate(digest);
    if (found === undefined) throw new StatusError(status.NOT_FOUND, `content ${digest}: not found in ${this.dir}`);
    return { digest, size: found.size, createdAt: found.birthtime, updatedAt: found.mtime };
  }

  async has(digest: string): Promise<boolean> {
    return (await this.locate(digest)) !== undefined;
  }

  /** Bytes [offset, offset+size) of a blob (size 0: to the end), handed over in chunks. */
  async read(digest: string, offset: number, size: number, chunk: (offset: number, data: Buffer) => Promise<void>): Promise<void> {
    const found = await this.locate(digest);
    if (found === undefined) throw new StatusError(status.NOT_FOUND, `content ${digest}: not found in ${this.dir}`);
    const start = Math.max(0, offset);
    if (start > found.size) throw new StatusError(status.OUT_OF_RANGE, `read past the end of ${digest} (${found.size} bytes)`);
    const end = size <= 0 || start + size > found.size ? found.size : start + size;
    const fh = await open(found.path, "r");
    try {
      for (let at = start; at < end; ) {
        const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, end - at));
        const { bytesRead } = await fh.read(buf, 0, buf.length, at);
        if (bytesRead === 0) throw new StatusError(status.DATA_LOSS, `${digest} is shorter than its ${found.size} bytes`);
        await chunk(at, buf.subarray(0, bytesRead));
        at += bytesRead;
      }
    } finally {
      await fh.close();
    }
  }

  /**
   * Starts (or resumes) the ingest named `ref`; one writer per ref at a
   * time, as containerd's store locks it (UNAVAILABLE makes BuildKit retry).
   */
  async openWriter(ref: string, total: number, expected: string): Promise<IngestWriter> {
    if (!this.writable) throw new StatusError(status.PERMISSION_DENIED, `${this.dir} is a --cache-from directory: BuildKit may only read it`);
    if (ref === "") throw new StatusError(status.INVALID_ARGUMENT, "a write needs a ref");
    if (expected !== "") {
      parseDigest(expected);
      if (await this.has(expected)) throw new StatusError(status.ALREADY_EXISTS, `content ${expected}: already exists`);
    }
    let ingest = this.ingests.get(ref);
    if (ingest?.handle !== undefined) throw new StatusError(status.UNAVAILABLE, `ref ${ref} is locked by another writer`);
    if (ingest === undefined) {
      const dir = join(await this.stagingDir(), "ingest");
      const alg = expected.startsWith("sha512:") ? "sha512" : "sha256";
      const now = new Date();
      ingest = { ref, file: join(dir, createHash("sha256").update(ref).digest("hex")), handle: undefined, offset: 0, total, expected, hash: createHash(alg), alg, startedAt: now, updatedAt: now };
      this.ingests.set(ref, ingest);
    }
    if (total > 0) ingest.total = total;
    if (expected !== "") ingest.expected = expected;
    ingest.handle = await open(ingest.file, ingest.offset === 0 ? "w" : "r+");
    return new IngestWriter(this, ingest);
  }

  status(ref: string): IngestStatus {
    const ingest = this.ingests.get(ref);
    if (ingest === undefined) throw new StatusError(status.NOT_FOUND, `no write in progress for ref ${ref}`);
    return statusOf(ingest);
  }

  statuses(): IngestStatus[] {
    return [...this.ingests.values()].map(statusOf);
  }

  /** Drops an ingest and its bytes. */
  async abort(ref: string): Promise<void> {
    const ingest = this.ingests.get(ref);
    if (ingest === undefined) throw new StatusError(status.NOT_FOUND, `no write in progress for ref ${ref}`);
    this.ingests.delete(ref);
    await ingest.handle?.close().catch(() => {});
    ingest.handle = undefined;
    await rm(ingest.file, { force: true });
  }

  /** Removes a blob written during this build; the directory's own blobs stay until the build is over. */
  async delete(digest: string): Promise<void> {
    const { alg, hex } = parseDigest(digest);
    if (this.staging !== undefined && this.staged.delete(digest)) {
      await rm(join(this.staging, "blobs", alg, hex), { force: true });
      return;
    }
    if (await this.has(digest)) throw new StatusError(status.FAILED_PRECONDITION, `content ${digest}: ${this.dir} changes only when the build succeeds`);
    throw new StatusError(status.NOT_FOUND, `content ${digest}: not found in ${this.dir}`);
  }

  /** Called by a writer's commit: the ingest becomes a staged blob. */
  async stage(ingest: Ingest, digest: string): Promise<void> {
    const { alg, hex } = parseDigest(digest);
    const dir = join(await this.stagingDir(), "blobs", alg);
    await mkdir(dir, { recursive: true });
    await rename(ingest.file, join(dir, hex));
    this.staged.add(digest);
    this.ingests.delete(ingest.ref);
  }

  /** The build succeeded: staged blobs move into the directory (each by rename, so a reader never sees half a blob). */
  async commit(): Promise<void> {
    if (this.staging === undefined) return;
    for (const digest of this.staged) {
      const { alg, hex } = parseDigest(digest);
      const target = join(this.dir, "blobs", alg, hex);
      if (await stat(target).then(() => true, () => false)) continue;
      await mkdir(dirname(target), { recursive: true });
      await moveFile(join(this.staging, "blobs", alg, hex), target);
    }
    this.staged.clear();
  }

  /** Removes everything written during the build that did not move in. */
  async discard(): Promise<void> {
    for (const ingest of this.ingests.values()) await ingest.handle?.close().catch(() => {});
    this.ingests.clear();
    this.staged.clear();
    await this.making?.catch(() => {});
    if (this.staging !== undefined) await rm(this.staging, { recursive: true, force: true });
    this.staging = undefined;
    this.making = undefined;
  }

  /** Made once, on the first write; BuildKit writes layers in parallel, so the making is shared. */
  private stagingDir(): Promise<string> {
    this.making ??= (async () => {
      await mkdir(dirname(this.dir), { recursive: true });
      const dir = join(dirname(this.dir), `.${basename(this.dir)}.slimgo-cache-${randomBytes(4).toString("hex")}`);
      await mkdir(join(dir, "ingest"), { recursive: true, mode: 0o755 });
      this.staging = dir;
      return dir;
    })();
    return this.making;
  }

  /** The staging directory, if a write made one. */
  get stagingPath(): string | undefined {
    return this.staging;
  }
}

/** The writer side of one ingest, as containerd's content.Writer. */
export class IngestWriter {
  constructor(
    private readonly store: LocalContentStore,
    private readonly ingest: Ingest,
  ) {}

  status(): IngestStatus {
    return statusOf(this.ingest);
  }

  /** The digest of what was written so far. */
  digest(): string {
    return `${this.ingest.alg}:${this.ingest.hash.copy().digest("hex")}`;
  }

  /** Start over from byte 0 (a write at offset 0 after some bytes). */
  async truncate(): Promise<void> {
    const handle = this.handle();
    await handle.truncate(0);
    this.ingest.offset = 0;
    this.ingest.hash = createHash(this.ingest.alg);
  }

  async write(data: Uint8Array): Promise<void> {
    const handle = this.handle();
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await handle.write(data, done, data.length - done, this.ingest.offset + done);
      done += bytesWritten;
    }
    this.ingest.hash.update(data);
    this.ingest.offset += data.length;
    this.ingest.updatedAt = new Date();
  }

  /** Checks size and digest, then stages the blob; ALREADY_EXISTS when the store has it (BuildKit counts that as done). */
  async commit(size: number, expected: string): Promise<string> {
    const ingest = this.ingest;
    if (size > 0 && size !== ingest.offset) throw new StatusError(status.FAILED_PRECONDITION, `unexpected commit size ${ingest.offset}, expected ${size}`);
    const digest = this.digest();
    if (expected !== "" && expected !== digest) throw new StatusError(status.FAILED_PRECONDITION, `unexpected commit digest ${digest}, expected ${expected}`);
    await this.close();
    if (await this.store.has(digest)) {
      await this.store.abort(ingest.ref).catch(() => {});
      throw new StatusError(status.ALREADY_EXISTS, `content ${digest}: already exists`);
    }
    await this.store.stage(ingest, digest);
    return digest;
  }

  /** Unlocks the ref; the ingest stays and can be resumed. */
  async close(): Promise<void> {
    const handle = this.ingest.handle;
    this.ingest.handle = undefined;
    await handle?.close();
  }

  private handle(): FileHandle {
    if (this.ingest.handle === undefined) throw new StatusError(status.NOT_FOUND, `ref ${this.ingest.ref}: the write was aborted`);
    return this.ingest.handle;
  }
}

function statusOf(i: Ingest): IngestStatus {
  return { ref: i.ref, offset: i.offset, total: i.total, expected: i.expected, startedAt: i.startedAt, updatedAt: i.updatedAt };
}

/** rename, or copy-then-rename when the staging directory is on another filesystem. */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
    const temp = `${to}.${randomBytes(4).toString("hex")}.tmp`;
    await copyFile(from, temp);
    await rename(temp, to);
  }
}
