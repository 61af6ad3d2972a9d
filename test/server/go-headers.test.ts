/**
 * The walk that collects Go headers from a context on disk: the files go
 * list could load and nothing else, .dockerignore as BuildKit applies it,
 * and a plain "read the source" (undefined) where headers would mislead.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { diskSource } from "../../src/server/disk-source.js";
import { readGoHeaders } from "../../src/server/go-headers.js";

const root = mkdtempSync(join(tmpdir(), "slimgo-headers-"));
after(() => rmSync(root, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), body);
  }
  return dir;
}

const headersOf = async (dir: string, excludes: string[] = [], limits?: Parameters<typeof readGoHeaders>[1]) => {
  const h = await readGoHeaders(await diskSource(dir, "slimgo.yaml").contextTree(excludes), limits);
  return h && Object.fromEntries(h.files.map((f) => [f.path, new TextDecoder().decode(f.header)]));
};

const MAIN = 'package main\n\nimport "example.com/m/lib"\n\nfunc main() { lib.F() }\n';

test("every Go file go list could load, cut after its imports; tests, testdata, dot and underscore names left out", async () => {
  const dir = tree("plain", {
    "go.mod": "module example.com/m\n",
    "cmd/app/main.go": MAIN,
    "lib/lib.go": 'package lib\n\nimport (\n\t"fmt"\n)\n\nfunc F() { fmt.Println() }\n',
    "lib/lib_test.go": 'package lib\nimport "testing"\n',
    "lib/testdata/x.go": "package x\n",
    ".hidden/h.go": "package h\n",
    "_old/o.go": "package o\n",
    "lib/_skip.go": "package lib\n",
    "vendor/v/v.go": "package v\n",
    "README.md": "# m\n",
  });
  assert.deepEqual(await headersOf(dir), {
    "cmd/app/main.go": 'package main\n\nimport "example.com/m/lib"',
    "lib/lib.go": 'package lib\n\nimport (\n\t"fmt"\n)',
  });
});

test(".dockerignore leaves files out as it leaves them out of the context, exceptions included", async () => {
  const dir = tree("ignored", { "cmd/app/main.go": MAIN, "gen/a.go": "package gen\n", "gen/keep/k.go": "package keep\n" });
  assert.deepEqual(Object.keys((await headersOf(dir, ["gen"])) ?? {}), ["cmd/app/main.go"]);
  assert.deepEqual(Object.keys((await headersOf(dir, ["gen", "!gen/keep"])) ?? {}), ["cmd/app/main.go", "gen/keep/k.go"]);
});

test("a symlink, too many files or too many header bytes: the list step reads the source instead", async () => {
  const linked = tree("linked", { "cmd/app/main.go": MAIN, "real/r.go": "package r\n" });
  symlinkSync("real", join(linked, "alias"));
  assert.equal(await headersOf(linked), undefined);
  const many = tree("many", Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}/f.go`, `package p${i}\n`])));
  assert.equal(await headersOf(many, [], { files: 10, bytes: 1 << 20, fileBytes: 1 << 20 }), undefined);
  assert.equal(Object.keys((await headersOf(many, [], { files: 12, bytes: 1 << 20, fileBytes: 1 << 20 })) ?? {}).length, 12);
  assert.equal(await headersOf(many, [], { files: 100, bytes: 40, fileBytes: 1 << 20 }), undefined);
});

test("a header past the first read is read whole", async () => {
  const preamble = `/*\n${"// long cgo preamble\n".repeat(1000)}*/\n`;
  const dir = tree("long", { "c/c.go": `package c\n\n${preamble}import "C"\n\nfunc F() {}\n` });
  assert.equal((await headersOf(dir))?.["c/c.go"], `package c\n\n${preamble}import "C"`);
});
