/** Paths inside an unpacked root filesystem, the way a process chrooted there would see them. */
import { lstatSync, readlinkSync } from "node:fs";
import { join, posix } from "node:path";

const LINK_LIMIT = 40;

/**
 * `path` inside `root`, symlinks followed with absolute targets taken inside `root` too; undefined when it
 * is not there. A merged-/usr tree unpacked without its /lib -> usr/lib links finds /lib/x under /usr/lib/x.
 */
export function resolveIn(root: string, path: string): string | undefined {
  const found = walk(root, path);
  if (found === undefined && /^\/(lib|lib64|bin|sbin)\//.test(path)) return walk(root, "/usr" + path);
  return found;
}

function walk(root: string, path: string): string | undefined {
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  let at = "/";
  let hops = 0;
  while (parts.length > 0) {
    const part = parts.shift() as string;
    const next = part === ".." ? posix.dirname(at) : posix.join(at, part);
    let st;
    try {
      st = lstatSync(join(root, next));
    } catch {
      return undefined;
    }
    if (!st.isSymbolicLink()) {
      at = next;
      continue;
    }
    if (++hops > LINK_LIMIT) throw new Error(`${next} in ${root}: more than ${LINK_LIMIT} symbolic links`);
    const target = readlinkSync(join(root, next));
    parts.unshift(...target.split("/").filter((p) => p !== "" && p !== "."));
    at = target.startsWith("/") ? "/" : at;
  }
  return join(root, at);
}

