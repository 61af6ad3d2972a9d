/**
 * The engine's own BuildKit over the engine's API socket: which builders go
 * that way, the h2c upgrade on a stand-in engine, and the one-line errors
 * when the engine refuses or is not there.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type Server, type Socket, connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { DEFAULT_ENGINE_SOCKET, engineSocketFor, pipeToEngine } from "../../src/client/engine-socket.js";

const dir = mkdtempSync(join(tmpdir(), "slimgo-engine-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("the default builder, named or current, is the engine; any other builder or engine goes through dial-stdio", () => {
  const home = join(dir, "home");
  const config = join(home, ".docker");
  mkdirSync(join(config, "buildx"), { recursive: true });
  assert.equal(engineSocketFor(undefined, {}, home), DEFAULT_ENGINE_SOCKET, "no buildx state: the default builder");
  assert.equal(engineSocketFor("default", {}, home), DEFAULT_ENGINE_SOCKET);
  assert.equal(engineSocketFor("farm", {}, home), undefined);
  assert.equal(engineSocketFor(undefined, { BUILDX_BUILDER: "farm" }, home), undefined);
  writeFileSync(join(config, "buildx", "current"), JSON.stringify({ Key: "unix:///var/run/docker.sock", Name: "farm", Global: false }));
  assert.equal(engineSocketFor(undefined, {}, home), undefined, "docker buildx use farm");
  writeFileSync(join(config, "buildx", "current"), JSON.stringify({ Key: "unix:///var/run/docker.sock", Name: "", Global: false }));
  assert.equal(engineSocketFor(undefined, {}, home), DEFAULT_ENGINE_SOCKET);
  assert.equal(engineSocketFor(undefined, { DOCKER_HOST: "unix:///run/user/1000/docker.sock" }, home), "/run/user/1000/docker.sock");
  assert.equal(engineSocketFor(undefined, { DOCKER_HOST: "tcp://10.0.0.5:2376" }, home), undefined, "a remote engine: TLS and all, as buildx does it");
  assert.equal(engineSocketFor(undefined, { DOCKER_CONTEXT: "remote" }, home), undefined);
  writeFileSync(join(config, "config.json"), JSON.stringify({ currentContext: "rootless" }));
  assert.equal(engineSocketFor(undefined, {}, home), undefined, "docker context use rootless");
  assert.equal(engineSocketFor(undefined, { DOCKER_CONFIG: join(dir, "nowhere") }, home), DEFAULT_ENGINE_SOCKET);
});

async function standInEngine(name: string, answer: (sock: Socket, request: string) => void): Promise<{ path: string; server: Server }> {
  const path = join(dir, name);
  const server = createServer((sock) => {
    let request = "";
    const onData = (b: Buffer) => {
      request += b.toString("latin1");
      if (!request.includes("\r\n\r\n")) return;
      sock.off("data", onData);
      answer(sock, request);
    };
    sock.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, server };
}

/** grpc-js's side: a socket pair through a listener that hands its end to pipeToEngine. */
async function through(enginePath: string): Promise<{ client: Socket; errors: string[]; close: () => void }> {
  const errors: string[] = [];
  const local = join(dir, `local-${Math.random().toString(36).slice(2)}.sock`);
  const server = createServer((sock) => pipeToEngine(sock, enginePath, (why) => errors.push(why)));
  await new Promise<void>((resolve) => server.listen(local, resolve));
  const client = connect(local);
  await new Promise<void>((resolve) => client.once("connect", resolve));
  return { client, errors, close: () => server.close() };
}

test("POST /grpc upgraded to h2c, then bytes both ways, including what grpc-js wrote before the answer", async () => {
  let seen = "";
  const engine = await standInEngine("engine.sock", (sock, request) => {
    seen = request;
    // The upgrade and the first server bytes in one write: the transport must not lose them.
    sock.write("HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\nSERVER-PREFACE");
    sock.on("data", (b) => sock.write(b));
  });
  const t = await through(engine.path);
  try {
    t.client.write("CLIENT-PREFACE");
    const got = await new Promise<string>((resolve) => {
      let all = "";
      t.client.on("data", (b: Buffer) => {
        all += b.toString();
        if (all.length >= "SERVER-PREFACECLIENT-PREFACE".length) resolve(all);
      });
    });
    assert.equal(got, "SERVER-PREFACECLIENT-PREFACE");
    assert.match(seen, /^POST \/grpc HTTP\/1\.1\r\n/);
    assert.match(seen, /\r\nUpgrade: h2c\r\n/);
    assert.deepEqual(t.errors, []);
  } finally {
    t.client.destroy();
    t.close();
    engine.server.close();
  }
});

test("an engine that refuses the upgrade, or is not there, gives one line and closes grpc-js's end", async () => {
  const engine = await standInEngine("refusing.sock", (sock) => sock.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
  for (const [path, expected] of [
    [engine.path, /refused BuildKit's API \(HTTP\/1\.1 404 Not Found\)/],
    [join(dir, "absent.sock"), /cannot reach the Docker engine at .*absent\.sock \(ENOENT\)/],
  ] as const) {
    const t = await through(path);
    try {
      await new Promise<void>((resolve) => t.client.on("close", () => resolve()));
      assert.equal(t.errors.length, 1, t.errors.join("\n"));
      assert.match(t.errors[0] ?? "", expected);
    } finally {
      t.close();
    }
  }
  engine.server.close();
});
