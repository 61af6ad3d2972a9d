/**
 * moby.filesync.v1.FileSync/DiffCopy: BuildKit reads one of the client's
 * directories. The request's headers name the directory (`dir-name`) and the
 * patterns BuildKit wants applied (`include-patterns`, `exclude-patterns`,
 * `followpaths`), URL-encoded when `<key>-encoded` is set.
 */
import type { Metadata } from "@grpc/grpc-js";
import { status } from "@grpc/grpc-js";
import { FileSync } from "../gen/session/filesync_pb.js";
import { packetCall } from "./call-stream.js";
import { followPaths } from "./fsutil/follow-paths.js";
import { PatternError } from "../patterns/pattern-matcher.js";
import { sendTree } from "./fsutil/send.js";
import { walkTree } from "./fsutil/walk.js";
import { type ServedMethod, StatusError, rawBidi } from "./grpc-service.js";

export interface SyncedDir {
  readonly dir: string;
  /** The client's own excludes; the request's replace them only with `override-excludes: true`. */
  readonly excludes?: readonly string[];
}

/**
 * A header's values, decoded as BuildKit encodes non-ASCII ones. BuildKit
 * sends one header field per value; Node's HTTP/2 joins repeated fields with
 * ", ", so they are split there again (an encoded value has its commas
 * escaped; a plain pattern holding ", " cannot be told apart).
 */
export function headerValues(md: Metadata, key: string): string[] {
  const values = md.get(key).flatMap((v) => (typeof v === "string" ? v : v.toString()).split(", "));
  const encoded = md.get(`${key}-encoded`)[0];
  if (encoded === undefined || !["1", "t", "T", "true", "TRUE", "True"].includes(String(encoded))) return values;
  return values.map((v) => {
    try {
      return decodeURIComponent(v.replace(/\+/g, " "));
    } catch {
      return v;
    }
  });
}

export function fileSync(dirs: ReadonlyMap<string, SyncedDir>): ServedMethod {
  const path = `/${FileSync.typeName}/${FileSync.method.diffCopy.name}`;
  return rawBidi(path, async (call) => {
    const md = call.metadata;
    const name = headerValues(md, "dir-name")[0] ?? "";
    const dir = dirs.get(name);
    if (dir === undefined) throw new StatusError(status.NOT_FOUND, `no access allowed to dir "${name}"`);
    let excludes = headerValues(md, "exclude-patterns");
    if (dir.excludes && dir.excludes.length > 0 && headerValues(md, "override-excludes")[0] !== "true") excludes = [...dir.excludes];
    let includes = headerValues(md, "include-patterns");
    const follow = headerValues(md, "followpaths");
    let entries;
    try {
      if (follow.length > 0) {
        const targets = await followPaths(dir.dir, follow);
        if (targets !== undefined) includes = dedupe([...includes, ...targets]);
      }
      entries = walkTree(dir.dir, { includes, excludes, owner: 0 });
    } catch (err) {
      if (err instanceof PatternError) throw new StatusError(status.INVALID_ARGUMENT, `local "${name}": ${err.message}`);
      throw err;
    }
    await sendTree(packetCall(call), entries);
  });
}

/** As fsutil: drop a path inside the one before it; a "." anywhere means no filter at all ([]). */
export function dedupe(paths: readonly string[]): string[] {
  const out: string[] = [];
  let last = "";
  for (const p of paths) {
    if (p === ".") return [];
    if (p.startsWith(`${last}/`)) continue;
    out.push(p);
    last = p;
  }
  return out;
}
