/**
 * The FileSync sender against golden packet sequences, derived from fsutil's
 * send.go, walker/filter.go and stat.go: STATs in byte order, a directory
 * before its contents, Go FileMode bits, nanosecond mtimes, uid/gid reset to
 * 0 as the Go client sends its local dirs, ids counted over every STAT, and
 * REQ → DATA chunks of 32 KiB → empty DATA, FIN answered with FIN.
 */
import assert from "node:assert/strict";
import { chmodSync, lutimesSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Packet_PacketType as T, type Packet } from "../../../src/gen/fsutil/wire_pb.js";
import { packet, packetPair } from "../../../src/session/fsutil/packet-stream.js";
import { sendTree } from "../../../src/session/fsutil/send.js";
import { type WalkOptions, walkTree } from "../../../src/session/fsutil/walk.js";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const SEC = 1_700_000_000;
const NS = BigInt(SEC) * 1_000_000_000n;

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), "slimgo-send-"));
  dirs.push(root);
  mkdirSync(join(root, "sub"));
  writeFileSync(join(root, ".dockerignore"), "*.log\n!keep.log\n");
  writeFileSync(join(root, "a.txt"), "hello\n");
  writeFileSync(join(root, "debug.log"), "left out\n");
  writeFileSync(join(root, "keep.log"), "kept\n");
  writeFileSync(join(root, "sub/f"), "x".repeat(70_000));
  chmodSync(join(root, "sub/f"), 0o600);
  symlinkSync("sub/f", join(root, "link"));
  for (const p of [".dockerignore", "a.txt", "debug.log", "keep.log", "sub/f"]) utimesSync(join(root, p), SEC, SEC);
  lutimesSync(join(root, "link"), SEC + 1, SEC + 1);
  chmodSync(join(root, "sub"), 0o755);
  utimesSync(join(root, "sub"), SEC + 2, SEC + 2);
  return root;
}

/** Run the sender against a scripted receiver; returns every packet the sender sent, as plain objects. */
async function exchange(root: string, opts: WalkOptions, requests: number[]) {
  const [sender, receiver] = packetPair();
  const sent: Packet[] = [];
  const run = sendTree(sender, walkTree(root, { owner: 0, ...opts })).finally(() => sender.close());
  const iter = receiver.incoming[Symbol.asyncIterator]();
  const next = async () => {
    const r = await iter.next();
    assert.ok(!r.done, "sender ended early");
    sent.push(r.value);
    return r.value;
  };
  while ((await next()).stat !== undefined);
  for (const id of requests) {
    await receiver.send(packet({ type: T.PACKET_REQ, ID: id }));
    while ((await next()).data.length > 0);
  }
  await receiver.send(packet({ type: T.PACKET_FIN }));
  assert.equal((await next()).type, T.PACKET_FIN);
  receiver.close();
  await run;
  return sent.map((p) => ({
    type: T[p.type],
    ...(p.stat ? { stat: { path: p.stat.path, mode: p.stat.mode.toString(8), uid: p.stat.uid, gid: p.stat.gid, size: Number(p.stat.size), modTime: p.stat.modTime, linkname: p.stat.linkname } } : {}),
    ...(p.type === T.PACKET_DATA ? { ID: p.ID, bytes: p.data.length } : {}),
  }));
}

const file = (path: string, size: number, mode = "644") => ({ type: "PACKET_STAT", stat: { path, mode, uid: 0, gid: 0, size, modTime: NS, linkname: "" } });

test("STATs in fsutil's order with its fields, then the files asked for", async () => {
  const got = await exchange(tree(), { excludes: ["*.log", "!keep.log"] }, [5, 1]);
  assert.deepEqual(got, [
    file(".dockerignore", 16),
    file("a.txt", 6),
    file("keep.log", 5),
    { type: "PACKET_STAT", stat: { path: "link", mode: (0o1000000000 | 0o777).toString(8), uid: 0, gid: 0, size: 5, modTime: NS + 1_000_000_000n, linkname: "sub/f" } },
    { type: "PACKET_STAT", stat: { path: "sub", mode: (0x80000000 + 0o755).toString(8), uid: 0, gid: 0, size: 0, modTime: NS + 2_000_000_000n, linkname: "" } },
    file("sub/f", 70_000, "600"),
    { type: "PACKET_STAT" },
    { type: "PACKET_DATA", ID: 5, bytes: 32_768 },
    { type: "PACKET_DATA", ID: 5, bytes: 32_768 },
    { type: "PACKET_DATA", ID: 5, bytes: 70_000 - 65_536 },
    { type: "PACKET_DATA", ID: 5, bytes: 0 },
    { type: "PACKET_DATA", ID: 1, bytes: 6 },
    { type: "PACKET_DATA", ID: 1, bytes: 0 },
    { type: "PACKET_FIN" },
  ]);
});

test("an excluded directory is still sent before an entry an exception brings back", async () => {
  const got = await exchange(tree(), { excludes: ["sub", "!sub/f", ".*"] }, []);
  assert.deepEqual(
    got.map((p) => p.stat?.path ?? p.type),
    ["a.txt", "debug.log", "keep.log", "link", "sub", "sub/f", "PACKET_STAT", "PACKET_FIN"],
  );
});

test("include patterns keep only what they name, and the directories leading to it", async () => {
  const got = await exchange(tree(), { includes: ["sub/f", "a.txt"] }, []);
  assert.deepEqual(
    got.map((p) => p.stat?.path ?? p.type),
    ["a.txt", "sub", "sub/f", "PACKET_STAT", "PACKET_FIN"],
  );
});

test("a REQ for an entry without data is refused with an error packet", async () => {
  const [sender, receiver] = packetPair();
  const run = sendTree(sender, walkTree(tree(), { owner: 0 }));
  await receiver.send(packet({ type: T.PACKET_REQ, ID: 4 })); // "link": a symlink has no data
  await assert.rejects(run, /invalid file id 4/);
});

test("a malformed pattern is refused before anything is sent", () => {
  assert.throws(() => walkTree(tree(), { excludes: ["[a-"] }), /pattern "\[a-"/);
});
