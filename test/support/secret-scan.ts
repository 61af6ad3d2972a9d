/**
 * Looks for a secret's bytes in what a build leaves behind: every blob of an
 * image (`docker save`: layers, config with its history, manifests) and every
 * file of a registry's storage (a cache export), each searched as stored and,
 * when gzip, decompressed.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { extract } from "tar-stream";

export interface ScanResult {
  /** Blobs and files searched. */
  readonly searched: number;
  /** Where a needle was found: "blob name: needle index". */
  readonly hits: string[];
}

/** Fails unless `docker save IMAGE` gave its blobs (at least a manifest, config and layers) and none holds a needle. */
export async function assertImageClean(image: string, needles: readonly Buffer[], what: string): Promise<void> {
  const scan = await scanSavedImage(image, needles);
  assert.ok(scan.searched >= 4, `docker save gave ${scan.searched} blobs`);
  assert.deepEqual(scan.hits, [], `${what} bytes in the image`);
}

/** Each blob of `docker save IMAGE`, searched for the needles. */
export async function scanSavedImage(image: string, needles: readonly Buffer[]): Promise<ScanResult> {
  const saved = spawn("docker", ["save", image], { stdio: ["ignore", "pipe", "inherit"] });
  const hits: string[] = [];
  let searched = 0;
  await new Promise<void>((resolve, reject) => {
    const ex = extract();
    ex.on("entry", (header: { name: string }, body, next) => {
      const chunks: Buffer[] = [];
      body.on("data", (c: unknown) => void chunks.push(c as Buffer));
      body.on("end", () => {
        searched++;
        hits.push(...search(header.name, Buffer.concat(chunks), needles));
        next();
      });
      body.on("error", reject);
    });
    ex.on("finish", resolve);
    ex.on("error", reject);
    saved.stdout.pipe(ex);
  });
  return { searched, hits };
}

/** Every file under `dir` (a registry's storage root), searched for the needles. */
export function scanTree(dir: string, needles: readonly Buffer[]): ScanResult {
  const hits: string[] = [];
  let searched = 0;
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      // Sockets and pipes (an ssh-agent's, say) hold no bytes at rest.
      else if (st.isFile()) {
        searched++;
        hits.push(...search(p, readFileSync(p), needles));
      }
    }
  };
  walk(dir);
  return { searched, hits };
}

function search(name: string, data: Buffer, needles: readonly Buffer[]): string[] {
  const views = [data];
  if (data[0] === 0x1f && data[1] === 0x8b) views.push(gunzipSync(data, { maxOutputLength: 1 << 30 }));
  const hits: string[] = [];
  needles.forEach((n, i) => {
    if (views.some((v) => v.includes(n))) hits.push(`${name}: needle ${i}`);
  });
  return hits;
}
