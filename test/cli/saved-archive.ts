/** `docker save` archives made in memory for tests: layers as tars, gzip or plain, and hand-made hostile ones. */
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";

export type Entry = { name: string; type?: "file" | "symlink" | "directory" | "link"; linkname?: string; body?: Buffer | string };

/** A tar of `entries`, written by tar-stream. */
export function tar(entries: readonly Entry[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const p = pack();
    const chunks: Buffer[] = [];
    p.on("data", (c: unknown) => void chunks.push(c as Buffer));
    p.on("end", () => resolve(Buffer.concat(chunks)));
    p.on("error", reject);
    for (const e of entries) {
      // Whiteouts are empty files; links and directories have no body at all.
      const body = Buffer.from(e.body ?? "");
      p.entry({ name: e.name, type: e.type ?? "file", ...(e.linkname ? { linkname: e.linkname } : {}), size: (e.type ?? "file") === "file" ? body.length : 0 }, (e.type ?? "file") === "file" ? body : Buffer.alloc(0));
    }
    p.finalize();
  });
}

/** A `docker save` archive: blobs, manifest.json and the config and manifest given as JSON text. */
export function savedJson(layers: readonly Buffer[], config: string, manifest?: string): Promise<Buffer> {
  const names = layers.map((_, i) => `blobs/sha256/layer${i}`);
  return tar([
    { name: "oci-layout", body: '{"imageLayoutVersion":"1.0.0"}' },
    { name: "blobs/sha256/config", body: config },
    ...layers.map((l, i) => ({ name: names[i] as string, body: l })),
    { name: "manifest.json", body: manifest ?? JSON.stringify([{ Config: "blobs/sha256/config", RepoTags: ["x:1"], Layers: names }]) },
  ]);
}

/** A `docker save` archive whose config's `config` is `config`, plus `extra` members. */
export async function saved(layers: readonly Buffer[], config: object, extra: readonly Entry[] = []): Promise<Buffer> {
  if (extra.length === 0) return savedJson(layers, JSON.stringify({ config }));
  const names = layers.map((_, i) => `blobs/sha256/layer${i}`);
  return tar([
    { name: "blobs/sha256/config", body: JSON.stringify({ config }) },
    ...layers.map((l, i) => ({ name: names[i] as string, body: l })),
    { name: "manifest.json", body: JSON.stringify([{ Config: "blobs/sha256/config", Layers: names }]) },
    ...extra,
  ]);
}

/** A 512-byte ustar header for a regular file or directory (names up to 100 bytes). */
export function ustarHeader(name: string, size: number, type: "file" | "directory" = "file"): Buffer {
  const h = Buffer.alloc(512);
  const put = (s: string, at: number) => h.write(s, at, "latin1");
  put(name, 0);
  put(type === "directory" ? "0000755\0" : "0000644\0", 100);
  put("0000000\0", 108);
  put("0000000\0", 116);
  put(`${size.toString(8).padStart(11, "0")}\0`, 124);
  put("00000000000\0", 136);
  put(type === "directory" ? "5" : "0", 156);
  put("ustar\x0000", 257);
  put("        ", 148);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return h;
}

/** A plain tar of many small files, written directly: fast enough for tens of thousands of entries. */
export function manyFiles(names: readonly string[], body = "x"): Buffer {
  // One header made with an empty name; each entry adds its name's bytes to the checksum.
  const template = ustarHeader("", body.length);
  const base = parseInt(template.toString("latin1", 148, 154), 8);
  const out = Buffer.alloc(names.length * 1024 + 1024);
  names.forEach((n, i) => {
    const at = i * 1024;
    template.copy(out, at);
    const len = out.write(n, at, 100, "latin1");
    let sum = base;
    for (let j = 0; j < len; j++) sum += out[at + j] as number;
    out.write(`${sum.toString(8).padStart(6, "0")}\0 `, at + 148, "latin1");
    out.write(body, at + 512, "latin1");
  });
  return out;
}

/**
 * A gzip tar holding one file of `bytes` zero bytes (a multiple of 1 MiB) in about bytes/1000 compressed:
 * one gzip member per MiB, which gunzip reads as one stream.
 */
export function gzipBomb(bytes: number): Buffer {
  const mib = gzipSync(Buffer.alloc(1 << 20));
  return Buffer.concat([gzipSync(ustarHeader("zeros", bytes)), ...Array<Buffer>(Math.ceil(bytes / (1 << 20))).fill(mib), gzipSync(Buffer.alloc(1024))]);
}
