/**
 * The build context as an uncompressed tar stream, filtered by its
 * .dockerignore exactly as a local build's file sync filters it (the same
 * walk and pattern matcher), in the same order.
 */
import { createReadStream, readFileSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { pack as tarPack } from "tar-stream";
import { parseDockerignore } from "../plan/index.js";
import { chmodBits, isDirMode, isRegularMode, isSymlinkMode } from "../session/fsutil/file-mode.js";
import { walkTree } from "../session/fsutil/walk.js";

export interface ContextCount {
  files: number;
  bytes: number;
}

/** The tar stream of `dir`; `count` fills in as it is read. Entries other than files, directories and links are left out. */
export function contextTar(dir: string, count: ContextCount = { files: 0, bytes: 0 }): AsyncIterable<Uint8Array> {
  const excludes = parseDockerignore(readOptional(join(dir, ".dockerignore")));
  const pack = tarPack();
  void (async () => {
    for await (const { stat, file } of walkTree(dir, { excludes, owner: 0 })) {
      const common = { name: stat.path, mode: chmodBits(stat.mode), mtime: new Date(Number(stat.modTime / 1_000_000n)), uid: 0, gid: 0 };
      if (isDirMode(stat.mode)) await entry(pack, { ...common, type: "directory" });
      else if (isSymlinkMode(stat.mode)) await entry(pack, { ...common, type: "symlink", linkname: stat.linkname });
      else if (isRegularMode(stat.mode) && stat.linkname !== "") await entry(pack, { ...common, type: "link", linkname: stat.linkname });
      else if (isRegularMode(stat.mode)) {
        const size = Number(stat.size);
        count.files++;
        count.bytes += size;
        await pipeline(createReadStream(file, { start: 0, end: Math.max(0, size - 1) }), pack.entry({ ...common, type: "file", size }));
      }
    }
    pack.finalize();
  })().catch((e: unknown) => pack.destroy(e instanceof Error ? e : new Error(String(e))));
  return pack as AsyncIterable<Uint8Array>;
}

function entry(pack: ReturnType<typeof tarPack>, header: Parameters<ReturnType<typeof tarPack>["entry"]>[0]): Promise<void> {
  return new Promise((ok, fail) => pack.entry(header, (err) => (err ? fail(err) : ok())));
}

function readOptional(path: string): Uint8Array | undefined {
  try {
    return readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}
