/**
 * The TypeScript session against real BuildKits: a standalone buildkitd reads
 * a local tree through FileSync and writes it back through FileSend, file by
 * file (modes, symlinks, mtimes); the engine's BuildKit, reached through
 * `docker buildx dial-stdio`, reads a secret in a step; outputs of a failed
 * build are left nowhere.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Client } from "@grpc/grpc-js";
import { copy, local, marshal, scratch } from "../../src/llb/index.js";
import { Session } from "../../src/session/index.js";
import { type BuildkitNode, requireBuildkit, startNode } from "../support/buildkit/buildkitd.js";
import { controlClient, solve } from "../support/buildkit/control.js";

let dir: string;
let node: BuildkitNode;
let client: Client;

before(async () => {
  requireBuildkit();
  dir = mkdtempSync(join(tmpdir(), "slimgo-session-test-"));
  node = await startNode({ name: "session", dir, registry: "127.0.0.1:1" });
  client = controlClient(node.socket.replace(/^unix:\/\//, ""));
});

after(async () => {
  client?.close();
  await node?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A small tree: files with odd modes and nanosecond mtimes, a dir, symlinks, an excluded file. */
function makeTree(root: string): void {
  mkdirSync(join(root, "sub/deeper"), { recursive: true });
  writeFileSync(join(root, "a.txt"), "hello\n");
  writeFileSync(join(root, "run.sh"), "#!/bin/sh\necho hi\n");
  chmodSync(join(root, "run.sh"), 0o755);
  writeFileSync(join(root, "sub/secret.conf"), "x".repeat(100_000)); // several DATA chunks
  chmodSync(join(root, "sub/secret.conf"), 0o640);
  writeFileSync(join(root, "sub/deeper/z.go"), "package z\n");
  writeFileSync(join(root, "debug.log"), "excluded\n");
  writeFileSync(join(root, "keep.log"), "kept by an exception\n");
  symlinkSync("sub/secret.conf", join(root, "link"));
  symlinkSync("/nowhere", join(root, "dangling"));
  chmodSync(join(root, "sub/deeper"), 0o750);
  utimesSync(join(root, "a.txt"), 1_600_000_000.123456, 1_600_000_000.123456);
}

test("a local tree goes to BuildKit and comes back file by file", async () => {
  const src = join(dir, "tree");
  mkdirSync(src);
  makeTree(src);
  const out = join(dir, "out");
  const excludes = ["*.log", "!keep.log"];
  const session = new Session({ dirs: new Map([["context", { dir: src }]]), outputs: [{ type: "local", dest: out }] });
  const ctx = local("context", { sessionId: session.id, excludePatterns: excludes });
  const def = marshal(scratch().file(copy(ctx, "/", "/", { copyDirContentsOnly: true })));
  await session.attach(client);
  let ok = false;
  try {
    await solve(client, { Ref: `session-${Date.now()}`, Definition: def, Session: session.id, Exporters: [{ Type: "local", Attrs: {} }] });
    ok = true;
  } finally {
    await session.finish(ok);
  }
  await session.done;

  const names = (root: string): string[] => {
    const all: string[] = [];
    const walk = (rel: string) => {
      for (const n of readdirSync(join(root, rel)).sort()) {
        const p = rel ? `${rel}/${n}` : n;
        all.push(p);
        if (lstatSync(join(root, p)).isDirectory()) walk(p);
      }
    };
    walk("");
    return all;
  };
  const expected = names(src).filter((p) => p !== "debug.log");
  assert.deepEqual(names(out), expected);
  for (const p of expected) {
    const a = lstatSync(join(src, p), { bigint: true });
    const b = lstatSync(join(out, p), { bigint: true });
    assert.equal(b.mode, a.mode, `${p}: mode`);
    if (a.isSymbolicLink()) assert.equal(readlinkSync(join(out, p)), readlinkSync(join(src, p)), `${p}: link`);
    else if (a.isFile()) assert.deepEqual(readFileSync(join(out, p)), readFileSync(join(src, p)), `${p}: content`);
    if (!a.isDirectory()) {
      const drift = a.mtimeNs > b.mtimeNs ? a.mtimeNs - b.mtimeNs : b.mtimeNs - a.mtimeNs;
      assert.ok(drift < 1000n, `${p}: mtime ${a.mtimeNs} came back as ${b.mtimeNs}`);
    }
  }
  // Nothing of the atomic writer is left beside the output.
  assert.deepEqual(readdirSync(dir).filter((n) => n.includes("slimgo-")), []);
});

test("a failed build leaves no output behind", async () => {
  const out = join(dir, "never");
  const session = new Session({ outputs: [{ type: "tar", dest: out }] });
  await session.attach(client);
  const def = marshal(scratch().file(copy(scratch(), "/missing", "/x")));
  await assert.rejects(solve(client, { Ref: `fail-${Date.now()}`, Definition: def, Session: session.id, Exporters: [{ Type: "tar", Attrs: {} }] }));
  await session.finish(false);
  await session.done;
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(dir).filter((n) => n.includes("slimgo-")), []);
});

test("a tar output is one file, renamed into place", async () => {
  const src = join(dir, "tar-src");
  mkdirSync(src);
  writeFileSync(join(src, "f"), "tar me\n");
  const out = join(dir, "out.tar");
  const session = new Session({ dirs: new Map([["context", { dir: src }]]), outputs: [{ type: "tar", dest: out }] });
  await session.attach(client);
  const def = marshal(scratch().file(copy(local("context", { sessionId: session.id }), "/f", "/f")));
  await solve(client, { Ref: `tar-${Date.now()}`, Definition: def, Session: session.id, Exporters: [{ Type: "tar", Attrs: {} }] });
  await session.finish(true);
  const tar = readFileSync(out);
  assert.ok(tar.includes(Buffer.from("tar me\n")), "the tar holds the file");
  assert.equal(tar.length % 512, 0);
});
