/** `slimgo size`: a docker-save tar generated here (layers, whiteouts, symlinks, gzip), and the FILE form through run(). */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { gzipSync } from "node:zlib";
import { type ImageFile, ImageArchiveError, entrypointBinary, readSavedImage, resolveInImage } from "../../src/cli/image-files.js";
import { formatImageSummary, summariseImage } from "../../src/report/image-summary.js";
import { sizeReport } from "../../src/elf/index.js";
import { type Built, goBuildAll, writeSources } from "../elf/go-fixtures.js";
import { cli } from "../support/cli.js";
import { saved, tar } from "./saved-archive.js";

let sources: ReturnType<typeof writeSources>;
let app: Built;

before(async () => {
  sources = writeSources();
  const built = await goBuildAll(sources.dir, { app: { module: "app", env: { CGO_ENABLED: "0", GOARCH: "amd64" }, args: ["-ldflags", "-s -w"] } });
  app = built.get("app") as Built;
});

after(() => sources?.dispose());

async function twoLayers(): Promise<Buffer[]> {
  const base = await tar([
    { name: "usr/", type: "directory" },
    { name: "usr/bin/", type: "directory" },
    { name: "bin", type: "symlink", linkname: "usr/bin" },
    { name: "etc/passwd", body: "root:x:0:0::/root:/sbin/nologin\n" },
    { name: "usr/share/zoneinfo/UTC", body: "TZif".padEnd(114, "\0") },
    { name: "usr/share/zoneinfo/Europe/Berlin", body: "TZif".padEnd(705, "\0") },
    { name: "old/big", body: Buffer.alloc(50_000) },
    { name: "cache/dir/a", body: "aaaa" },
    { name: "usr/bin/stale", body: "stale" },
  ]);
  const top = await tar([
    { name: "usr/local/bin/app", body: Buffer.from(app.bytes) },
    { name: "usr/bin/app", type: "symlink", linkname: "../local/bin/app" },
    { name: "usr/bin/app-again", type: "link", linkname: "usr/local/bin/app" },
    { name: "old/.wh.big" },
    { name: "cache/dir/.wh..wh..opq" },
    { name: "cache/dir/b", body: "bb" },
    { name: "usr/bin/.wh.stale" },
  ]);
  return [gzipSync(base), top];
}

test("layers apply in order: whiteouts, opaque directories, hard links, gzip and plain layers", async () => {
  const image = await readSavedImage(await saved(await twoLayers(), { Entrypoint: ["app"], Env: ["PATH=/bin"] }));
  assert.equal(image.files.has("/old/big"), false);
  assert.equal(image.files.has("/cache/dir/a"), false);
  assert.equal(image.files.get("/cache/dir/b")?.bytes, 2);
  assert.equal(image.files.has("/usr/bin/stale"), false);
  assert.equal(image.files.get("/usr/bin/app-again")?.bytes, app.bytes.length);
  assert.equal(image.files.get("/bin")?.type, "symlink");
  // /bin/app → /usr/bin/app (via the /bin symlink) → ../local/bin/app.
  const bin = entrypointBinary(image);
  assert.equal(bin.path, "/usr/local/bin/app");
  assert.deepEqual(sizeReport(await image.read(bin)).mainModule, "example.com/app");
  assert.deepEqual(await image.read(image.files.get("/usr/bin/app-again") as ImageFile), Buffer.from(app.bytes));
});

test("the summary lists the largest files and directories, deterministically", async () => {
  const image = await readSavedImage(await saved(await twoLayers(), { Entrypoint: ["/bin/app"], Cmd: ["--flag"] }));
  const s = summariseImage(image, entrypointBinary(image));
  assert.deepEqual(s.entrypoint, ["/bin/app"]);
  assert.equal(s.files, 6);
  // The hard link shares the binary's bytes, so they count once.
  assert.equal(s.bytes, app.bytes.length + 32 + 114 + 705 + 2);
  assert.deepEqual(
    s.largest.map((f) => f.path),
    ["/usr/local/bin/app", "/usr/share/zoneinfo/Europe/Berlin", "/usr/share/zoneinfo/UTC", "/etc/passwd", "/cache/dir/b", "/usr/bin/app-again"],
  );
  assert.deepEqual(
    s.directories.filter((d) => d.path.startsWith("/usr/share")),
    [
      { path: "/usr/share", bytes: 819, files: 2 },
      { path: "/usr/share/zoneinfo", bytes: 819, files: 2 },
    ],
  );
  const text = formatImageSummary(s, "x:1", 2);
  assert.match(text, /^image x:1: 6 files, [\d.]+ MiB; runs \/usr\/local\/bin\/app\nlargest files:\n +[\d.]+ MiB {2}\/usr\/local\/bin\/app\n +705 B {2}\/usr\/share\/zoneinfo\/Europe\/Berlin\n +148 B {2}… 4 more\ndirectories:\n +[\d.]+ MiB {2}\/usr \(4 files\)\n/);
  assert.match(text, /\n +819 B {2}\/usr\/share \(2 files\)\n/);
});

test("symlink loops and dangling links resolve to nothing instead of hanging", async () => {
  const layer = await tar([
    { name: "a", type: "symlink", linkname: "b" },
    { name: "b", type: "symlink", linkname: "/a" },
    { name: "dangling", type: "symlink", linkname: "/nowhere" },
  ]);
  const image = await readSavedImage(await saved([layer], { Entrypoint: ["/a"] }));
  assert.equal(resolveInImage(image.files, "/a"), undefined);
  assert.equal(resolveInImage(image.files, "/dangling"), undefined);
  assert.throws(() => entrypointBinary(image), /^ImageError: the image runs "\/a" but no such file is in it \(looked at \/a\)$/);
});

test("archives that are not docker save output, or have no entrypoint, say so", async () => {
  const rejects = (p: Promise<unknown>, re: RegExp) => assert.rejects(p, (e: unknown) => e instanceof ImageArchiveError && re.test(e.message));
  await rejects(readSavedImage(await tar([{ name: "x", body: "x" }])), /^the saved image: manifest\.json: missing: is it `docker save` output\?$/);
  await rejects(readSavedImage(await tar([{ name: "manifest.json", body: "{" }]), { archive: "image x:1" }), /^image x:1: manifest\.json: not JSON \(.+\)$/);
  await rejects(readSavedImage(await tar([{ name: "manifest.json", body: '[{"Config":"c","Layers":["l"]}]' }])), /^the saved image: config c: missing from the archive$/);
  const zstd = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0]);
  await rejects(readSavedImage(await saved([zstd], {})), /^the saved image: layer blobs\/sha256\/layer0: zstd-compressed/);
  await rejects(readSavedImage(Buffer.from("not a tar at all, not even close".repeat(20))), /^the saved image: the archive: not a readable tar/);
  const empty = await readSavedImage(await saved([await tar([])], { Entrypoint: null, Cmd: null }));
  assert.throws(() => entrypointBinary(empty), /neither Entrypoint nor Cmd: pass its binary with `slimgo size FILE` instead/);
});


test("slimgo size FILE: a table, --json, --top, and exit codes 1 and 2", async () => {
  const table = await cli("size", app.path, "--top", "2");
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^example\.com\/app \(amd64, go[\d.]+, stripped\): [\d.]+ MiB, of which code and read-only data [\d.]+ MiB\nMODULE +VERSION +BYTES +SHARE\nstd +\d+ +[\d.]+%\n/);
  assert.match(table.stdout, /\n\(\d+ more\) +\d+ +[\d.]+%\n\(unattributed\)/);
  const json = await cli("size", app.path, "--json");
  assert.equal(json.code, 0);
  assert.deepEqual(JSON.parse(json.stdout), JSON.parse(JSON.stringify(sizeReport(app.bytes))));
  const notGo = await cli("size", "/etc/passwd");
  assert.deepEqual([notGo.code, notGo.stderr.split(": ").slice(1, 2)], [1, ["not an ELF file"]]);
  assert.deepEqual(await cli("size", "/no/such/file"), { code: 1, stdout: "", stderr: "slimgo: /no/such/file: no such file\n" });
  for (const args of [["size"], ["size", app.path, "--image", "x"], ["size", app.path, "--top", "0"], ["size", app.path, "--top", "two"]]) {
    const r = await cli(...args);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, /^slimgo: size needs a FILE or --image REF/);
  }
});
