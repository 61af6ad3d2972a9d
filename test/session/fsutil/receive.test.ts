/**
 * The FileSend receiver, fed packets as BuildKit's local exporter sends them:
 * it asks for each regular file by its STAT position, writes modes, mtimes,
 * symlinks and hard links, sends FIN once every file is in, and refuses
 * paths that would leave the output directory.
 */
import assert from "node:assert/strict";
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Packet_PacketType as T } from "../../../src/gen/fsutil/wire_pb.js";
import { packet, packetPair } from "../../../src/session/fsutil/packet-stream.js";
import { receiveTree } from "../../../src/session/fsutil/receive.js";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const scratchDir = () => {
  const d = mkdtempSync(join(tmpdir(), "slimgo-recv-"));
  dirs.push(d);
  return d;
};
// Sub-microsecond digits a double cannot carry: the microsecond must still survive.
const NS = 1_796_137_119_712_559_054n;

test("files, dirs, symlinks and hard links land with their modes and mtimes", async () => {
  const dest = join(scratchDir(), "out");
  const [bk, client] = packetPair();
  const done = receiveTree(client, dest);
  const stat = (path: string, mode: number, extra: object = {}) => bk.send(packet({ type: T.PACKET_STAT, stat: { path, mode, modTime: NS, ...extra } }));
  await stat("bin", 0x80000000 + 0o750);
  await stat("bin/app", 0o755, { size: 3n });
  await stat("bin/same", 0o755, { linkname: "bin/app" });
  await stat("current", (1 << 27) + 0o777, { linkname: "bin/app" });
  await bk.send(packet({ type: T.PACKET_STAT }));
  const it = bk.incoming[Symbol.asyncIterator]();
  const req = (await it.next()).value!;
  assert.equal(req.type, T.PACKET_REQ);
  assert.equal(req.ID, 1, "the file is asked for by its position among the STATs");
  await bk.send(packet({ type: T.PACKET_DATA, ID: 1, data: Buffer.from("abc") }));
  await bk.send(packet({ type: T.PACKET_DATA, ID: 1 }));
  assert.equal((await it.next()).value!.type, T.PACKET_FIN);
  await bk.send(packet({ type: T.PACKET_FIN }));
  await done;
  assert.equal(readFileSync(join(dest, "bin/app"), "utf8"), "abc");
  assert.equal(lstatSync(join(dest, "bin/app")).mode & 0o7777, 0o755);
  assert.equal(lstatSync(join(dest, "bin")).mode & 0o7777, 0o750);
  assert.equal(lstatSync(join(dest, "bin/same")).ino, lstatSync(join(dest, "bin/app")).ino);
  assert.equal(readlinkSync(join(dest, "current")), "bin/app");
  for (const p of ["bin/app", "current"]) {
    const mtime = lstatSync(join(dest, p), { bigint: true }).mtimeNs;
    assert.equal(mtime / 1000n, NS / 1000n, `${p}: mtime ${mtime}`);
  }
});

test("a path leaving the output, or passing through a symlink, is refused", async () => {
  for (const evil of [["../escape"], ["/abs"], ["l", "l/x"]]) {
    const dest = join(scratchDir(), "out");
    const [bk, client] = packetPair();
    const done = receiveTree(client, dest);
    if (evil.length === 2) await bk.send(packet({ type: T.PACKET_STAT, stat: { path: "l", mode: (1 << 27) + 0o777, linkname: "/etc" } }));
    await bk.send(packet({ type: T.PACKET_STAT, stat: { path: evil.at(-1)!, mode: 0o644 } }));
    await assert.rejects(done, /refusing path/);
  }
});

test("a sender that stops before the files arrive fails the transfer", async () => {
  const [bk, client] = packetPair();
  const done = receiveTree(client, join(scratchDir(), "out"));
  await bk.send(packet({ type: T.PACKET_STAT, stat: { path: "f", mode: 0o644 } }));
  bk.close();
  await assert.rejects(done, /before every file arrived/);
});
