/** `-f -`: the spec from stdin, bounded, into a private directory that goes away. */
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import { Readable } from "node:stream";
import { test } from "node:test";
import { readStdinSpec, stdinSpecDir } from "../../src/cli/spec-stdin.js";

const stdin = (chunks: readonly string[], isTTY = false) => Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { isTTY });

test("the spec is all of stdin, however it is chunked", async () => {
  assert.equal(Buffer.from(await readStdinSpec(stdin(["main: ", "./cmd/a\n"]))).toString(), "main: ./cmd/a\n");
});

test("an empty stdin, a terminal and an oversized spec are one line each, with the fix", async () => {
  await assert.rejects(readStdinSpec(stdin([])), /^FlagError: slimgo build: -f -: stdin is empty: pipe the spec in/);
  await assert.rejects(readStdinSpec(stdin(["main: .\n"], true)), /-f -: stdin is a terminal: pipe the spec in/);
  await assert.rejects(readStdinSpec(stdin(["a".repeat(6), "b".repeat(6)]), 10), /-f -: the spec on stdin is over 10 bytes/);
  assert.equal(Buffer.from(await readStdinSpec(stdin(["a".repeat(10)]), 10)).length, 10);
});

test("the spec's directory is private and removed by dispose", () => {
  const spec = stdinSpecDir(Buffer.from("main: .\n"));
  assert.equal(readFileSync(spec.file, "utf8"), "main: .\n");
  assert.equal(statSync(spec.dir).mode & 0o777, 0o700);
  spec.dispose();
  assert.equal(existsSync(spec.dir), false);
});
