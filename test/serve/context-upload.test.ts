import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContextError, receiveContext } from "../../src/serve/context-upload.js";
import { type TarEntry, tarChunks } from "./support/tar.js";

type Entry = TarEntry;

async function* tarOf(entries: readonly Entry[]): AsyncGenerator<Uint8Array> {
  yield* await tarChunks(entries);
}

const LIMITS = { contextBytes: 1 << 20, contextFiles: 100 };

function sandbox(): { dir: string; root: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-ctx-"));
  const root = join(dir, "build", "context");
  mkdirSync(root, { recursive: true });
  return { dir, root, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Everything under dir except the build's own directory. */
function outside(dir: string): string[] {
  return readdirSync(dir).filter((n) => n !== "build");
}

test("a plain context is unpacked with its files, directories and inside links", async () => {
  const s = sandbox();
  try {
    const stats = await receiveContext(
      tarOf([
        { name: "go.mod", body: "module example.com/hello\n" },
        { name: "cmd/", type: "directory" },
        { name: "cmd/main.go", body: "package main\n", mode: 0o4755 },
        { name: "./cmd/link.go", type: "symlink", linkname: "main.go" },
        { name: "hard.go", type: "link", linkname: "cmd/main.go" },
      ]),
      s.root,
      LIMITS,
    );
    assert.deepEqual(stats, { files: 5, bytes: 38 });
    assert.equal(readFileSync(join(s.root, "cmd/main.go"), "utf8"), "package main\n");
    assert.equal(readlinkSync(join(s.root, "cmd/link.go")), "main.go");
    assert.equal(readFileSync(join(s.root, "hard.go"), "utf8"), "package main\n");
    assert.equal(lstatSync(join(s.root, "cmd/main.go")).mode & 0o7777, 0o755, "setuid is dropped");
  } finally {
    s.done();
  }
});

const hostile: ReadonlyArray<readonly [string, Entry[], RegExp]> = [
  ["../x", [{ name: "../x", body: "pwned" }], /"\.\.\/x" climbs out of the context/],
  ["a/../../x", [{ name: "a/../../x", body: "pwned" }], /climbs out/],
  ["/etc/passwd", [{ name: "/etc/passwd", body: "root::0:0::/:/bin/sh" }], /"\/etc\/passwd" is an absolute path/],
  ["a symlink to /", [{ name: "root", type: "symlink", linkname: "/" }], /"root" is a symlink to "\/", outside the context/],
  ["a symlink to ..", [{ name: "sub/up", type: "symlink", linkname: "../.." }], /symlink to "\.\.\/\.\.", outside the context/],
  [
    "a symlink then a file through it",
    [
      { name: "dir", type: "symlink", linkname: "." },
      { name: "dir/x", body: "through" },
    ],
    /"dir\/x" goes through the symlink "dir"/,
  ],
  ["a device", [{ name: "null", type: "character-device", devmajor: 1, devminor: 3 }], /"null" is a character-device/],
  ["a fifo", [{ name: "pipe", type: "fifo" }], /"pipe" is a fifo/],
  ["a hard link to outside", [{ name: "h", type: "link", linkname: "../../etc/passwd" }], /climbs out/],
  [
    "a file twice (the second through a link)",
    [
      { name: "a", type: "symlink", linkname: "b" },
      { name: "a", body: "x" },
    ],
    /"a" appears twice/,
  ],
];

for (const [what, entries, message] of hostile) {
  test(`a hostile tar is refused: ${what}`, async () => {
    const s = sandbox();
    try {
      await assert.rejects(receiveContext(tarOf(entries), s.root, LIMITS), (err: unknown) => err instanceof ContextError && message.test(err.message));
      assert.deepEqual(outside(s.dir), [], "nothing is written outside the build's directory");
      assert.ok(!existsSync(join(s.dir, "x")) && !existsSync(join(s.dir, "build", "x")));
    } finally {
      s.done();
    }
  });
}

test("too many files: refused at the first entry over the limit", async () => {
  const s = sandbox();
  try {
    const entries = Array.from({ length: 150 }, (_, i) => ({ name: `f${i}`, body: "x" }));
    await assert.rejects(receiveContext(tarOf(entries), s.root, LIMITS), /more than 100 entries \(at "f100"\).*limits\.contextFiles/);
    assert.equal(readdirSync(s.root).length, 100);
  } finally {
    s.done();
  }
});

test("too big: refused before the entry is written", async () => {
  const s = sandbox();
  try {
    const entries = [{ name: "small", body: "x".repeat(1000) }, { name: "big", body: "y".repeat((1 << 20) - 500) }];
    await assert.rejects(receiveContext(tarOf(entries), s.root, LIMITS), /larger than 1048576 bytes \(at "big", 1048076 bytes\).*limits\.contextBytes/);
    assert.ok(!existsSync(join(s.root, "big")));
  } finally {
    s.done();
  }
});

test("bytes that are not a tar are refused in one line", async () => {
  const s = sandbox();
  async function* junk() {
    yield new Uint8Array(1024).fill(65);
  }
  try {
    await assert.rejects(receiveContext(junk(), s.root, LIMITS), (err: unknown) => err instanceof ContextError && /not a valid tar stream.*uncompressed tar/.test(err.message) && !err.message.includes("\n"));
  } finally {
    s.done();
  }
});

test("an endless stream is cut off, not read forever", async () => {
  const s = sandbox();
  const zeros = new Uint8Array(1 << 20);
  async function* endless() {
    for (let i = 0; i < 1000; i++) yield zeros;
  }
  try {
    const started = Date.now();
    await assert.rejects(receiveContext(endless(), s.root, { contextBytes: 1000, contextFiles: 10 }), /the upload passed 67110864 bytes, far beyond limits\.contextBytes \(1000\)/);
    assert.ok(Date.now() - started < 10_000);
  } finally {
    s.done();
  }
});
