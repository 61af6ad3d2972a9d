/**
 * Reading a `docker save` archive within limits: its members into memory (they
 * are compressed), each layer streamed through gunzip and a tar reader without
 * keeping its files, so a damaged or hostile archive ends in one ImageArchiveError.
 */
import { Readable, Transform } from "node:stream";
import { createGunzip } from "node:zlib";
import { extract } from "tar-stream";

/** The saved image cannot be read, or has no binary to report on. */
export class ImageError extends Error {
  override name = "ImageError";
}

/** A damaged or hostile `docker save` archive: which archive, which member of it, and what is wrong. */
export class ImageArchiveError extends ImageError {
  override name = "ImageArchiveError";
  constructor(
    readonly archive: string,
    /** "manifest.json", "config PATH", "layer PATH" or "the archive". */
    readonly member: string,
    readonly problem: string,
  ) {
    super(`${archive}: ${member}: ${problem}`);
  }
}

const MiB = 1 << 20;
const GiB = 1 << 30;

/** How much work one archive may cost. */
export interface ArchiveLimits {
  /** Members of the archive itself: blobs, manifest.json, index.json … */
  readonly members: number;
  /** Layers manifest.json lists; Docker itself stops at 127. */
  readonly layers: number;
  /** Entries of all layers together. */
  readonly entries: number;
  /** Bytes one layer may hold once inflated. */
  readonly layerBytes: number;
  /** Bytes all layers together may hold once inflated. */
  readonly totalBytes: number;
  /**
   * The layers may inflate to this many times the bytes of the distinct layer
   * blobs, plus RATIO_SLACK: real images stay far below, a decompression bomb
   * (or one layer listed many times) does not.
   */
  readonly ratio: number;
  /** Bytes of a file read whole: the entrypoint binary. */
  readonly fileBytes: number;
}

export const DEFAULT_LIMITS: ArchiveLimits = { members: 100_000, layers: 1000, entries: 1_000_000, layerBytes: 8 * GiB, totalBytes: 32 * GiB, ratio: 50, fileBytes: GiB };
const RATIO_SLACK = 32 * MiB;
/** The piece of a layer blob handed to gunzip at a time. */
const FEED_BYTES = 64 * 1024;

/** One entry of a layer, as its tar header gives it. */
export interface LayerEntry {
  readonly name: string;
  readonly type: string;
  readonly linkname: string | undefined;
  readonly size: number;
  /** The entry's body, in Buffer chunks; left unread, it is skipped. */
  readonly body: AsyncIterable<unknown>;
}

/** Entries streamed out of a tar (plain or gzip), with the stream's own failure kept apart from the caller's. */
async function eachEntry(source: Readable, gzip: boolean, meter: (chunk: Buffer) => Error | undefined, onEntry: (e: LayerEntry) => Promise<boolean>): Promise<{ streamError: unknown }> {
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(meter(chunk) ?? null, chunk);
    },
  });
  const filters: Transform[] = gzip ? [createGunzip(), counter] : [counter];
  const stages = [source, ...filters];
  const ex = extract();
  let streamError: unknown;
  const fail = (e: unknown): void => {
    streamError ??= e;
    ex.destroy(e as Error);
  };
  for (const s of stages) s.on("error", fail);
  ex.on("error", (e: unknown) => void (streamError ??= e));
  filters.reduce<Readable>((from, to) => from.pipe(to), source).pipe(ex);
  try {
    for await (const entry of ex) {
      const h = entry.header;
      const stop = await onEntry({ name: h.name, type: h.type ?? "file", linkname: h.linkname ?? undefined, size: h.size ?? 0, body: entry });
      if (stop) break;
      // tar-stream waits for an entry's body to be read before it parses the next header.
      entry.resume();
    }
  } catch (e) {
    if (streamError === undefined) throw e;
  } finally {
    for (const s of stages) s.destroy();
    ex.destroy();
  }
  return { streamError };
}

/** The archive's members, by cleaned path, and its layers read one at a time against shared limits. */
export class ArchiveReader {
  private inflated = 0;
  private entries = 0;
  /** Layer blobs read so far, and their bytes in the archive: what the ratio limit is a multiple of. */
  private readonly blobs = new Set<string>();
  private blobBytes = 0;

  constructor(
    readonly archive: string,
    readonly limits: ArchiveLimits,
  ) {}

  /** A reader for reading layers again: nothing inflated yet, and the blobs read so far already counted towards the ratio limit. */
  again(): ArchiveReader {
    const r = new ArchiveReader(this.archive, this.limits);
    for (const b of this.blobs) r.blobs.add(b);
    r.blobBytes = this.blobBytes;
    return r;
  }

  error(member: string, problem: string): ImageArchiveError {
    return new ImageArchiveError(this.archive, member, problem);
  }

  /** Every member of the archive in memory, keyed by `key(name)`. */
  async members(input: Buffer | NodeJS.ReadableStream, key: (name: string) => string): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    const source = Buffer.isBuffer(input) ? Readable.from([input]) : Readable.from(input as AsyncIterable<Buffer>);
    const { streamError } = await eachEntry(
      source,
      false,
      () => undefined,
      async (e) => {
        if (out.size === this.limits.members) throw this.error("the archive", `more than ${this.limits.members} members, the limit`);
        const chunks: Buffer[] = [];
        for await (const c of e.body) chunks.push(c as Buffer);
        out.set(key(e.name), Buffer.concat(chunks));
        return false;
      },
    );
    if (streamError !== undefined) throw this.error("the archive", `not a readable tar (${messageOf(streamError)}): is it \`docker save\` output?`);
    return out;
  }

  /** Check the number of layers the manifest lists before any is read. */
  checkLayerCount(count: number): void {
    if (count > this.limits.layers) throw this.error("manifest.json", `lists ${count} layers, more than ${this.limits.layers}, the limit`);
  }

  /**
   * Stream layer `name` (gzip or plain tar) through `onEntry` in order, until it returns true.
   * Bytes inflated per layer and in all, and entries in all, count against the limits.
   */
  async layer(name: string, blob: Buffer, onEntry: (e: LayerEntry, index: number) => Promise<boolean> | boolean): Promise<void> {
    const member = `layer ${name}`;
    if (blob[0] === 0x28 && blob[1] === 0xb5 && blob[2] === 0x2f && blob[3] === 0xfd) throw this.error(member, "zstd-compressed, which slimgo size cannot read yet");
    const gzip = blob[0] === 0x1f && blob[1] === 0x8b;
    if (!this.blobs.has(name)) {
      this.blobs.add(name);
      this.blobBytes += blob.length;
    }
    const { layerBytes, totalBytes, ratio } = this.limits;
    const ratioCap = RATIO_SLACK + ratio * this.blobBytes;
    let bytes = 0;
    // The blob is fed in pieces, so that a bomb is seen by the ratio of what it inflated to so far against what
    // it was fed so far, after a few MB, not after inflating to the whole archive's allowance.
    let fed = 0;
    const pieces = function* () {
      for (let at = 0; at < blob.length; at += FEED_BYTES) {
        const piece = blob.subarray(at, at + FEED_BYTES);
        fed += piece.length;
        yield piece;
      }
    };
    const meter = (chunk: Buffer): Error | undefined => {
      bytes += chunk.length;
      this.inflated += chunk.length;
      if (bytes > layerBytes) return this.error(member, `inflates to more than ${layerBytes} bytes, the limit for one layer`);
      if (gzip && bytes > RATIO_SLACK + ratio * fed) {
        return this.error(member, `inflates to more than ${RATIO_SLACK + ratio * fed} bytes from its first ${fed} bytes in the archive: ${ratio} times plus ${RATIO_SLACK} is the limit (a decompression bomb?)`);
      }
      if (this.inflated > totalBytes) return this.error(member, `the layers inflate to more than ${totalBytes} bytes in all, the limit`);
      if (this.inflated > ratioCap) {
        return this.error(member, `the layers inflate to more than ${ratioCap} bytes: ${ratio} times their ${this.blobBytes} bytes in the archive plus ${RATIO_SLACK} is the limit (a decompression bomb?)`);
      }
      return undefined;
    };
    let index = 0;
    const { streamError } = await eachEntry(Readable.from(pieces()), gzip, meter, async (e) => {
      if (++this.entries > this.limits.entries) throw this.error(member, `the layers hold more than ${this.limits.entries} entries in all, the limit`);
      return onEntry(e, index++);
    });
    if (streamError instanceof ImageArchiveError) throw streamError;
    if (streamError !== undefined) throw this.error(member, explainStream(streamError));
  }
}

/** What a failed gzip or tar stream means, in one line. */
function explainStream(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? "";
  if (code === "Z_BUF_ERROR") return "the gzip data is cut short";
  if (code.startsWith("Z_")) return `the gzip data is corrupt (${messageOf(e)})`;
  return `not a readable tar (${messageOf(e)})`;
}

/** An error's message as part of one line: its first line, cut short. */
export function messageOf(e: unknown): string {
  const line = (e instanceof Error ? e.message : String(e)).split("\n", 1)[0] ?? "";
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}
