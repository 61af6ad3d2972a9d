/**
 * The receiving side of fsutil's transfer (FileSend.DiffCopy for
 * `--output type=local`): BuildKit sends STATs in walk order; every regular
 * file is asked for with REQ by its position in that sequence, written from
 * its DATA chunks, and FIN goes out once the last STAT is in and every file
 * is complete. Paths stay inside `dest`; files belong to the current user,
 * as the Go client writes them.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { chmod, link, lutimes, mkdir, rm, symlink, utimes } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import type { Stat } from "../../gen/fsutil/stat_pb.js";
import { Packet_PacketType as T } from "../../gen/fsutil/wire_pb.js";
import { chmodBits, isDirMode, isRegularMode, isSymlinkMode } from "./file-mode.js";
import { type PacketStream, packet } from "./packet-stream.js";

interface OpenFile {
  readonly stat: Stat;
  readonly out: WriteStream;
}

export async function receiveTree(stream: PacketStream, dest: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  const pending = new Map<number, OpenFile>();
  const dirs: Stat[] = [];
  const hardlinks: Stat[] = [];
  let id = 0;
  let statsDone = false;
  let finSent = false;
  const links = new Set<string>();
  /** A path under one of the symlinks written here would be written wherever it points: refused. */
  const target = (wirePath: string): string => {
    const clean = posix.normalize(wirePath);
    for (let i = clean.indexOf("/"); i !== -1; i = clean.indexOf("/", i + 1)) {
      if (links.has(clean.slice(0, i))) throw new Error(`refusing path ${JSON.stringify(wirePath)} from the sender: it passes through a symlink`);
    }
    return inside(dest, clean);
  };

  const maybeFin = async () => {
    if (statsDone && pending.size === 0 && !finSent) {
      for (const h of hardlinks) await linkInto(dest, h);
      finSent = true;
      await stream.send(packet({ type: T.PACKET_FIN }));
    }
  };

  try {
    receiving: for await (const p of stream.incoming) {
      switch (p.type) {
        case T.PACKET_ERR:
          throw new Error(`error from sender: ${Buffer.from(p.data).toString()}`);
        case T.PACKET_STAT: {
          if (p.stat === undefined) {
            statsDone = true;
            await maybeFin();
            break;
          }
          const stat = p.stat;
          const path = target(stat.path);
          const mine = id++;
          if (isDirMode(stat.mode)) {
            await mkdir(path, { recursive: true });
            dirs.push(stat);
          } else if (isSymlinkMode(stat.mode)) {
            await rm(path, { force: true, recursive: true });
            await symlink(stat.linkname, path);
            links.add(posix.normalize(stat.path));
            const t = seconds(stat.modTime);
            await lutimes(path, t, t);
          } else if (isRegularMode(stat.mode) && stat.linkname !== "") {
            target(stat.linkname);
            hardlinks.push(stat);
          } else if (isRegularMode(stat.mode)) {
            await rm(path, { force: true, recursive: true });
            const out = createWriteStream(path, { mode: 0o600 });
            await new Promise<void>((resolve, reject) => out.once("open", () => resolve()).once("error", reject));
            pending.set(mine, { stat, out });
            await stream.send(packet({ type: T.PACKET_REQ, ID: mine }));
          }
          // Devices, pipes and sockets are left out: an unprivileged client cannot make them.
          break;
        }
        case T.PACKET_DATA: {
          const file = pending.get(p.ID);
          if (file === undefined) throw new Error(`invalid file request ${p.ID}`);
          if (p.data.length > 0) {
            if (!file.out.write(p.data)) await new Promise<void>((resolve) => file.out.once("drain", () => resolve()));
            break;
          }
          pending.delete(p.ID);
          await new Promise<void>((resolve, reject) => file.out.end(() => resolve()).once("error", reject));
          await settle(inside(dest, file.stat.path), file.stat);
          await maybeFin();
          break;
        }
        case T.PACKET_FIN:
          // The sender's answer to our FIN: the transfer is complete, whatever happens to the stream next.
          if (finSent) break receiving;
          break;
      }
    }
  } catch (err) {
    for (const f of pending.values()) f.out.destroy();
    await stream.send(packet({ type: T.PACKET_ERR, data: Buffer.from(err instanceof Error ? err.message : String(err)) })).catch(() => {});
    throw err;
  }
  if (!finSent) throw new Error("sender closed the transfer before every file arrived");
  // Deepest first, so setting a directory's times is not undone by its children.
  for (const d of dirs.reverse()) await settle(inside(dest, d.path), d);
}

async function settle(target: string, stat: Stat): Promise<void> {
  await chmod(target, chmodBits(stat.mode));
  const t = seconds(stat.modTime);
  await utimes(target, t, t);
}

async function linkInto(dest: string, stat: Stat): Promise<void> {
  const target = inside(dest, stat.path);
  await rm(target, { force: true });
  await link(inside(dest, stat.linkname), target);
}

/** A wire path as a path under `dest`; one that would leave it is refused. */
function inside(dest: string, wirePath: string): string {
  const clean = posix.normalize(wirePath);
  if (clean === "." || clean === ".." || clean.startsWith("../") || posix.isAbsolute(clean) || clean.includes("\0")) {
    throw new Error(`refusing path ${JSON.stringify(wirePath)} from the sender: it leaves the output directory`);
  }
  const target = join(dest, clean);
  if (dirname(target) === target) throw new Error(`refusing path ${JSON.stringify(wirePath)}`);
  return target;
}

/**
 * Nanoseconds since the epoch as the fractional seconds utimes takes. libuv
 * keeps whole microseconds and truncates, so aim at the middle of the
 * microsecond: a double's rounding error then cannot drop it to the one before.
 */
function seconds(ns: bigint): number {
  return (Number(ns / 1000n) + 0.5) / 1e6;
}
