/**
 * The local cache content store over real gRPC, as BuildKit's proxy store
 * calls it: containerd's Write protocol (STAT, WRITE at the offset, COMMIT
 * with size and digest), Info and Read, Abort, the store chosen by header; a
 * blob reaches the directory only when the build succeeds, with index.json.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { type DescMessage, type MessageInitShape, type MessageShape, create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Client, Metadata, credentials, status } from "@grpc/grpc-js";
import {
  AbortRequestSchema,
  InfoRequestSchema,
  InfoResponseSchema,
  ReadContentRequestSchema,
  ReadContentResponseSchema,
  StatusRequestSchema,
  StatusResponseSchema,
  WriteAction,
  WriteContentRequestSchema,
  WriteContentResponseSchema,
} from "../../src/gen/containerd/content_pb.js";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { LocalCaches } from "../../src/session/local-caches.js";
import { manifestByTag } from "../../src/session/oci-layout.js";
import { LocalServer } from "../../src/session/transport.js";

const SERVICE = "/containerd.services.content.v1.Content";
const root = mkdtempSync(join(tmpdir(), "slimgo-content-"));
const cacheDir = join(root, "cache");
const readOnlyDir = join(root, "ro");
let caches: LocalCaches;
let server: LocalServer;
let client: Client;

const digestOf = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

before(async () => {
  // A --cache-from directory holding one blob.
  const old = Buffer.from("old blob");
  mkdirSync(join(readOnlyDir, "blobs", "sha256"), { recursive: true });
  writeFileSync(join(readOnlyDir, "blobs", "sha256", digestOf(old).slice(7)), old);
  caches = new LocalCaches([
    { id: `local:${cacheDir}`, dir: cacheDir, exportTag: "v1" },
    { id: `local:${readOnlyDir}`, dir: readOnlyDir },
  ]);
  server = await LocalServer.start(caches.methods());
  client = new Client(`unix:${server.socket}`, credentials.createInsecure());
});

after(() => {
  client?.close();
  server?.close();
  rmSync(root, { recursive: true, force: true });
});

const md = (dir: string) => {
  const m = new Metadata();
  m.set("buildkit-attachable-store-id", `local:${dir}`);
  return m;
};

function unary<I extends DescMessage, O extends DescMessage>(method: string, inS: I, outS: O, req: MessageInitShape<I>, dir: string): Promise<MessageShape<O>> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      `${SERVICE}/${method}`,
      (m: MessageShape<I>) => Buffer.from(toBinary(inS, m)),
      (b: Buffer) => fromBinary(outS, b),
      create(inS, req),
      md(dir),
      (err, res) => (err ? reject(err) : resolve(res!)),
    ),
  );
}

function read(digest: string, dir: string, offset = 0, size = 0): Promise<Buffer> {
  const call = client.makeServerStreamRequest(
    `${SERVICE}/Read`,
    (m: MessageShape<typeof ReadContentRequestSchema>) => Buffer.from(toBinary(ReadContentRequestSchema, m)),
    (b: Buffer) => fromBinary(ReadContentResponseSchema, b),
    create(ReadContentRequestSchema, { digest, offset: BigInt(offset), size: BigInt(size) }),
    md(dir),
  );
  const parts: Buffer[] = [];
  return new Promise((resolve, reject) => {
    call.on("data", (r: MessageShape<typeof ReadContentResponseSchema>) => parts.push(Buffer.from(r.data)));
    call.on("error", reject);
    call.on("end", () => resolve(Buffer.concat(parts)));
  });
}

/** One Write call driven request by reply, as containerd's remote writer does. */
function writer(dir: string) {
  const call = client.makeBidiStreamRequest(
    `${SERVICE}/Write`,
    (m: MessageShape<typeof WriteContentRequestSchema>) => Buffer.from(toBinary(WriteContentRequestSchema, m)),
    (b: Buffer) => fromBinary(WriteContentResponseSchema, b),
    md(dir),
  );
  const replies: Array<MessageShape<typeof WriteContentResponseSchema>> = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  call.on("data", (r: MessageShape<typeof WriteContentResponseSchema>) => {
    replies.push(r);
    wake?.();
  });
  call.on("error", (e: Error) => {
    failure = e;
    wake?.();
  });
  call.on("end", () => wake?.());
  return {
    async send(req: MessageInitShape<typeof WriteContentRequestSchema>) {
      call.write(create(WriteContentRequestSchema, req));
      while (replies.length === 0 && failure === undefined) await new Promise<void>((r) => (wake = r));
      if (replies.length === 0) throw failure;
      return replies.shift()!;
    },
    close: () => call.end(),
  };
}

const code = (c: status, re?: RegExp) => (err: unknown) => (err as { code: number }).code === c && (re === undefined || re.test((err as { details: string }).details));

test("write in two parts, commit with size and digest, then Info and Read (whole and a range)", async () => {
  const blob = Buffer.from("layer bytes ".repeat(1000));
  const digest = digestOf(blob);
  const w = writer(cacheDir);
  const stat = await w.send({ action: WriteAction.STAT, ref: "layer-1", total: BigInt(blob.length), expected: digest });
  assert.equal(stat.offset, 0n);
  assert.equal(stat.total, BigInt(blob.length));
  assert.equal((await w.send({ action: WriteAction.WRITE, offset: 0n, data: blob.subarray(0, 5000) })).offset, 5000n);
  assert.equal((await w.send({ action: WriteAction.WRITE, offset: 5000n, data: blob.subarray(5000) })).offset, BigInt(blob.length));
  const done = await w.send({ action: WriteAction.COMMIT, offset: BigInt(blob.length), total: BigInt(blob.length), expected: digest });
  assert.equal(done.digest, digest);
  w.close();

  const info = await unary("Info", InfoRequestSchema, InfoResponseSchema, { digest }, cacheDir);
  assert.equal(info.info?.size, BigInt(blob.length));
  assert.deepEqual(await read(digest, cacheDir), blob);
  assert.deepEqual(await read(digest, cacheDir, 100, 50), blob.subarray(100, 150));
  // Staged: the directory itself is untouched until the build succeeds.
  assert.equal(existsSync(cacheDir), false);
});

test("a write that stopped resumes at its offset; a second writer on the same ref is told to retry", async () => {
  const blob = Buffer.from("resumable ".repeat(300));
  const digest = digestOf(blob);
  const first = writer(cacheDir);
  await first.send({ action: WriteAction.STAT, ref: "resume", total: BigInt(blob.length), expected: digest });
  await first.send({ action: WriteAction.WRITE, offset: 0n, data: blob.subarray(0, 1000) });
  const second = writer(cacheDir);
  await assert.rejects(second.send({ action: WriteAction.STAT, ref: "resume", total: BigInt(blob.length), expected: digest }), code(status.UNAVAILABLE, /locked/));
  first.close();
  await new Promise((r) => setTimeout(r, 50));
  const again = writer(cacheDir);
  assert.equal((await again.send({ action: WriteAction.STAT, ref: "resume", total: BigInt(blob.length), expected: digest })).offset, 1000n);
  await assert.rejects(
    writer(cacheDir).send({ action: WriteAction.WRITE, ref: "other", offset: 7n, data: Buffer.from("x") }),
    code(status.OUT_OF_RANGE, /must occur at current offset 0/),
  );
  await again.send({ action: WriteAction.WRITE, offset: 1000n, data: blob.subarray(1000) });
  assert.equal((await again.send({ action: WriteAction.COMMIT, offset: BigInt(blob.length), total: BigInt(blob.length), expected: digest })).digest, digest);
  again.close();
});

test("a wrong digest or size fails the commit; a blob the store has is AlreadyExists", async () => {
  const blob = Buffer.from("some bytes");
  const w = writer(cacheDir);
  await w.send({ action: WriteAction.STAT, ref: "bad" });
  await w.send({ action: WriteAction.WRITE, data: blob });
  await assert.rejects(w.send({ action: WriteAction.COMMIT, offset: 10n, expected: digestOf(Buffer.from("other")) }), code(status.FAILED_PRECONDITION, /unexpected commit digest/));
  const s = writer(cacheDir);
  await s.send({ action: WriteAction.STAT, ref: "bad2" });
  await s.send({ action: WriteAction.WRITE, data: blob });
  await assert.rejects(s.send({ action: WriteAction.COMMIT, offset: 10n, total: 99n }), code(status.FAILED_PRECONDITION, /unexpected commit size 10, expected 99/));
  const existing = digestOf(Buffer.from("layer bytes ".repeat(1000)));
  await assert.rejects(writer(cacheDir).send({ action: WriteAction.STAT, ref: "dup", expected: existing }), code(status.ALREADY_EXISTS));
});

test("Abort drops an ingest and its bytes; Status then knows nothing of it", async () => {
  const w = writer(cacheDir);
  await w.send({ action: WriteAction.STAT, ref: "to-abort" });
  await w.send({ action: WriteAction.WRITE, data: Buffer.from("partial") });
  const st = await unary("Status", StatusRequestSchema, StatusResponseSchema, { ref: "to-abort" }, cacheDir);
  assert.equal(st.status?.offset, 7n);
  w.close();
  await new Promise((r) => setTimeout(r, 50));
  await unary("Abort", AbortRequestSchema, EmptySchema, { ref: "to-abort" }, cacheDir);
  await assert.rejects(unary("Status", StatusRequestSchema, StatusResponseSchema, { ref: "to-abort" }, cacheDir), code(status.NOT_FOUND));
});

test("nothing names a path outside the store: bad digests, odd refs, unknown store ids", async () => {
  for (const digest of ["sha256:../../etc/passwd", "sha256:abc", "md5:" + "a".repeat(32), "../x"]) {
    await assert.rejects(unary("Info", InfoRequestSchema, InfoResponseSchema, { digest }, cacheDir), code(status.INVALID_ARGUMENT), digest);
    await assert.rejects(read(digest, cacheDir), code(status.INVALID_ARGUMENT), digest);
  }
  await assert.rejects(unary("Info", InfoRequestSchema, InfoResponseSchema, { digest: digestOf(Buffer.from("x")) }, join(root, "elsewhere")), code(status.NOT_FOUND, /unknown store/));
  const w = writer(cacheDir);
  await w.send({ action: WriteAction.STAT, ref: "../../../escape" });
  await w.send({ action: WriteAction.WRITE, data: Buffer.from("x") });
  w.close();
  assert.deepEqual(readdirSync(root).filter((n) => !n.startsWith(".cache.slimgo-cache-") && n !== "ro"), []);
  assert.equal(existsSync(join(dirname(root), "escape")), false);
});

test("a --cache-from directory is read, never written", async () => {
  const old = Buffer.from("old blob");
  assert.deepEqual(await read(digestOf(old), readOnlyDir), old);
  await assert.rejects(writer(readOnlyDir).send({ action: WriteAction.STAT, ref: "w" }), code(status.PERMISSION_DENIED, /--cache-from/));
});

test("the build succeeds: blobs move in and index.json records the manifest under the tag", async () => {
  const manifest = Buffer.from('{"schemaVersion":2}');
  const digest = digestOf(manifest);
  const w = writer(cacheDir);
  await w.send({ action: WriteAction.STAT, ref: "manifest", total: BigInt(manifest.length), expected: digest });
  await w.send({ action: WriteAction.COMMIT, data: manifest, total: BigInt(manifest.length), expected: digest });
  w.close();
  const desc = { mediaType: "application/vnd.oci.image.manifest.v1+json", digest, size: manifest.length };
  await caches.commit({ "cache.manifest": JSON.stringify(desc) });
  await caches.discard();
  assert.deepEqual(readFileSync(join(cacheDir, "blobs", "sha256", digest.slice(7))), manifest);
  assert.ok(existsSync(join(cacheDir, "blobs", "sha256", digestOf(Buffer.from("layer bytes ".repeat(1000))).slice(7))));
  assert.deepEqual(JSON.parse(readFileSync(join(cacheDir, "oci-layout"), "utf8")), { imageLayoutVersion: "1.0.0" });
  assert.equal((await manifestByTag(cacheDir, "v1"))?.digest, digest);
  assert.deepEqual(readdirSync(root).filter((n) => n.includes("slimgo-cache")), [], "the staging directory is gone");
});

test("a failed build leaves the directory as it was", async () => {
  const dir = join(root, "failed");
  const failed = new LocalCaches([{ id: `local:${dir}`, dir, exportTag: "latest" }]);
  const s = await LocalServer.start(failed.methods());
  const c = new Client(`unix:${s.socket}`, credentials.createInsecure());
  try {
    const call = c.makeBidiStreamRequest(`${SERVICE}/Write`, (b: Buffer) => b, (b: Buffer) => b, md(dir));
    const got = new Promise((r) => call.once("data", r));
    call.write(Buffer.from(toBinary(WriteContentRequestSchema, create(WriteContentRequestSchema, { action: WriteAction.COMMIT, ref: "r", data: Buffer.from("abc") }))));
    await got;
    call.end();
  } finally {
    c.close();
    s.close();
  }
  await failed.discard();
  assert.equal(existsSync(dir), false);
  assert.deepEqual(readdirSync(root).filter((n) => n.includes("slimgo-cache")), []);
});

test("parallel first writes share one staging directory, and every blob moves in", async () => {
  const dir = join(root, "parallel");
  const fresh = new LocalCaches([{ id: `local:${dir}`, dir, exportTag: "latest" }]);
  const s = await LocalServer.start(fresh.methods());
  const c = new Client(`unix:${s.socket}`, credentials.createInsecure());
  const blobs = [0, 1, 2, 3, 4, 5].map((i) => Buffer.from(`layer ${i} `.repeat(100 + i)));
  try {
    await Promise.all(
      blobs.map(async (b, i) => {
        const call = c.makeBidiStreamRequest(`${SERVICE}/Write`, (x: Buffer) => x, (x: Buffer) => x, md(dir));
        const got = new Promise<Buffer>((r, j) => {
          call.once("data", r);
          call.once("error", j);
        });
        call.write(Buffer.from(toBinary(WriteContentRequestSchema, create(WriteContentRequestSchema, { action: WriteAction.COMMIT, ref: `layer-${i}`, data: b, total: BigInt(b.length), expected: digestOf(b) }))));
        assert.equal(fromBinary(WriteContentResponseSchema, await got).digest, digestOf(b));
        call.end();
      }),
    );
    assert.equal(readdirSync(root).filter((n) => n.startsWith(".parallel.slimgo-cache-")).length, 1);
    await fresh.commit({});
  } finally {
    c.close();
    s.close();
    await fresh.discard();
  }
  assert.deepEqual(readdirSync(join(dir, "blobs", "sha256")).sort(), blobs.map((b) => digestOf(b).slice(7)).sort());
  assert.equal(existsSync(join(dir, "index.json")), false, "no manifest in the response: index.json is not written");
  assert.deepEqual(readdirSync(root).filter((n) => n.includes("slimgo-cache")), []);
});
