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
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Client } from "@grpc/grpc-js";
import { copy, image, local, marshal, scratch } from "../../src/llb/index.js";
import { Session } from "../../src/session/index.js";
import { type BuildkitNode, requireBuildkit, startNode } from "../support/buildkit/buildkitd.js";
import { controlClient, engineSocket, solve } from "../support/buildkit/control.js";

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

/** Solve in the session, then commit its outputs (or discard them when the solve failed). */
async function solveThenFinish(session: Session, on: Client, req: { Ref: string; Definition: ReturnType<typeof marshal>; Exporters: { Type: string; Attrs: Record<string, string> }[] }): Promise<void> {
  let ok = false;
  try {
    await solve(on, { ...req, Session: session.id });
    ok = true;
  } finally {
    await session.finish(ok);
  }
  await session.done;
}

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
  await solveThenFinish(session, client, { Ref: `session-${Date.now()}`, Definition: def, Exporters: [{ Type: "local", Attrs: {} }] });

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

test("a secret file and an SSH agent reach a step on the engine's BuildKit", async () => {
  const engine = await engineSocket();
  const c = controlClient(engine.path);
  // A stand-in agent: answers every request with a fixed reply.
  const agentSock = join(dir, "agent.sock");
  const agent = createServer((s) => s.on("data", () => s.end("agent-says-hi")));
  await new Promise<void>((resolve) => agent.listen(agentSock, resolve));
  try {
    const secretFile = join(dir, "token");
    writeFileSync(secretFile, "s3cr3t-value");
    const out = join(dir, "secret-out");
    const session = new Session({
      secrets: new Map([["token", { file: secretFile }]]),
      ssh: new Map([["default", [agentSock]]]),
      outputs: [{ type: "local", dest: out }],
    });
    await session.attach(c);
    const talk = `my $s = IO::Socket::UNIX->new(Peer => "/run/ssh.sock") or die "connect: $!"; print $s "hello"; shutdown($s, 1); local $/; print scalar <$s>;`;
    const run = image("docker.io/library/debian:bookworm-slim").run({
      args: ["sh", "-c", `mkdir -p /out && cat /run/secrets/token > /out/secret && perl -MIO::Socket::UNIX -e '${talk}' > /out/agent`],
      mounts: [
        { dest: "/run/secrets/token", secret: { id: "token" } },
        { dest: "/run/ssh.sock", ssh: { id: "default" } },
      ],
      ignoreCache: true,
    });
    const def = marshal(scratch().file(copy(run.root(), "/out/", "/", { copyDirContentsOnly: true })), { platform: { os: "linux", architecture: "amd64" } });
    await solveThenFinish(session, c, { Ref: `secret-${Date.now()}`, Definition: def, Exporters: [{ Type: "local", Attrs: {} }] });
    assert.equal(readFileSync(join(out, "secret"), "utf8"), "s3cr3t-value");
    assert.equal(readFileSync(join(out, "agent"), "utf8"), "agent-says-hi");
  } finally {
    agent.close();
    c.close();
    engine.close();
  }
});

test("a secret the client does not have fails the step, naming it", async () => {
  const session = new Session({});
  await session.attach(client);
  const def = marshal(
    scratch().run({ args: ["/bin/true"], mounts: [{ dest: "/run/secrets/x", secret: { id: "absent" } }] }).root(),
    { platform: { os: "linux", architecture: "amd64" } },
  );
  await assert.rejects(solve(client, { Ref: `nosecret-${Date.now()}`, Definition: def, Session: session.id }), /secret absent/);
  await session.finish(false);
});

test("a session idle past BuildKit's health checks still serves a build", async () => {
  const src = join(dir, "idle-src");
  mkdirSync(src);
  writeFileSync(join(src, "f"), "still here\n");
  const out = join(dir, "idle-out");
  const session = new Session({ dirs: new Map([["context", { dir: src }]]), outputs: [{ type: "local", dest: out }] });
  await session.attach(client);
  // BuildKit checks every 5 s and drops the session after two failures.
  await new Promise((resolve) => setTimeout(resolve, 11_000));
  const def = marshal(scratch().file(copy(local("context", { sessionId: session.id }), "/f", "/f")));
  await solve(client, { Ref: `idle-${Date.now()}`, Definition: def, Session: session.id, Exporters: [{ Type: "local", Attrs: {} }] });
  await session.finish(true);
  assert.equal(readFileSync(join(out, "f"), "utf8"), "still here\n");
});
