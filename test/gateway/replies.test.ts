/**
 * Gateway replies slimgo must not trust: each wrong answer becomes an
 * error naming the call (and the file or image), never a crash, a huge
 * allocation or a wait without end.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { status } from "@grpc/grpc-js";
import type { Gateway } from "../../src/gateway/llb-bridge.js";
import { FileTooLargeError, GatewayReplyError, ImageConfigError } from "../../src/gateway/reply-errors.js";
import { RpcError } from "../../src/gateway/rpc.js";
import { type FakeGateway, type FakeHandlers, connectFake } from "../support/fake-gateway.js";

const enc = (s: string) => new TextEncoder().encode(s);
/** Byte equality, whether the reply is a Buffer or a Uint8Array. */
const sameBytes = (actual: Uint8Array, expected: Uint8Array, message?: string) => assert.ok(Buffer.from(actual).equals(Buffer.from(expected)), message);

/** Run `body` against a fake gateway answering with `handlers`. */
async function withGateway(handlers: FakeHandlers, body: (gw: Gateway, server: FakeGateway) => Promise<void>): Promise<void> {
  const { server, gw } = await connectFake(handlers);
  try {
    await body(gw, server);
  } finally {
    gw.close();
    server.close();
  }
}

const replyError = (method: string, message: RegExp) => (e: unknown) => e instanceof GatewayReplyError && e.method === method && message.test(e.message);

/** A file served with Range as BuildKit does. */
const serveFile = (data: Uint8Array): FakeHandlers => ({
  readFile: (req) => {
    const start = Number(req.Range?.Offset ?? 0n);
    return { Data: data.subarray(start, req.Range ? start + Number(req.Range.Length) : data.length) };
  },
  statFile: (req) => ({ stat: { path: req.Path, size: BigInt(data.length) } }),
});

test("a ReadFile reply longer than asked is refused with the file named, not 'offset is out of bounds'", async () => {
  await withGateway({ readFile: () => ({ Data: new Uint8Array(64) }) }, async (gw) => {
    await assert.rejects(gw.readRange("r", "app", 0, 16), replyError("ReadFile", /^BuildKit's ReadFile reply for app holds 64 bytes where at most 16 were asked for$/));
    await assert.rejects(gw.readWholeFile("r", "go.mod", 8), replyError("ReadFile", /for go\.mod holds 64 bytes where at most 9 were asked for/));
  });
});

test("a ReadFile reply shorter than the stat said is refused, not left as zeros", async () => {
  await withGateway({ readFile: () => ({ Data: new Uint8Array(10) }) }, async (gw) => {
    await assert.rejects(gw.readRange("r", "app", 100, 16), replyError("ReadFile", /holds 10 bytes at offset 100 where 16 were asked for: the file is shorter than its size said/));
  });
});

test("readWholeFile reads small files in one call and bounds large ones", async () => {
  const small = enc("module example.com/x\n");
  await withGateway(serveFile(small), async (gw, server) => {
    sameBytes(await gw.readWholeFile("r", "go.mod", 1 << 20), small);
    sameBytes(await gw.readWholeFile("r", "go.mod", small.length), small, "a file exactly at the limit is read");
    await assert.rejects(gw.readWholeFile("r", "go.mod", small.length - 1), (e: unknown) => e instanceof FileTooLargeError && e.message === "go.mod is larger than 20 bytes, the most slimgo reads of it");
    assert.deepEqual(
      server.calls.map(([m]) => m),
      ["ReadFile", "ReadFile", "ReadFile"],
    );
  });
  const big = new Uint8Array(7 << 20).map((_, i) => i % 251);
  await withGateway(serveFile(big), async (gw, server) => {
    sameBytes(await gw.readWholeFile("r", "big", 8 << 20), big);
    assert.deepEqual(
      server.calls.map(([m]) => m),
      ["ReadFile", "StatFile", "ReadFile", "ReadFile"],
    );
    await assert.rejects(gw.readWholeFile("r", "big", 4 << 20), (e: unknown) => e instanceof FileTooLargeError && /^big is larger than 4 MiB/.test(e.message));
  });
});

test("a StatFile size of -1 or 2^60, or no stat at all, is refused before anything is allocated", async () => {
  for (const size of [-1n, 1n << 60n]) {
    await withGateway({ statFile: (req) => ({ stat: { path: req.Path, size } }) }, async (gw) => {
      await assert.rejects(gw.statFile("r", "app"), replyError("StatFile", new RegExp(`^BuildKit's StatFile reply for app gives a size of ${size} bytes$`)));
    });
  }
  await withGateway({ statFile: () => ({}) }, async (gw) => {
    await assert.rejects(gw.statFile("r", "app"), replyError("StatFile", /for app holds no stat/));
  });
  // The stat of a file read whole must agree with what ReadFile already returned.
  await withGateway({ readFile: () => ({ Data: new Uint8Array(3 << 20) }), statFile: () => ({ stat: { size: 5n } }) }, async (gw) => {
    await assert.rejects(gw.readWholeFile("r", "lib.so", 8 << 20), replyError("StatFile", /gives 5 bytes, fewer than ReadFile returned/));
  });
});

test("ReadDir entries must be plain names with sane sizes", async () => {
  for (const path of ["", ".", "..", "a/b", "../../etc"]) {
    await withGateway({ readDir: () => ({ entries: [{ path: "ok" }, { path }] }) }, async (gw) => {
      await assert.rejects(gw.readDir("r", "/"), replyError("ReadDir", /for \/ names an entry .*, which is not a file name/), JSON.stringify(path));
    });
  }
  await withGateway({ readDir: () => ({ entries: [{ path: "big", size: -7n }] }) }, async (gw) => {
    await assert.rejects(gw.readDirStats("r", "/usr"), replyError("ReadDir", /for \/usr\/big gives a size of -7 bytes/));
  });
});

test("a Solve reply must hold one ref", async () => {
  await withGateway({ solve: () => ({ result: { result: { case: "refs", value: { refs: { "linux/amd64": { id: "a" } } } } } }) }, async (gw) => {
    await assert.rejects(gw.solve({ def: [], metadata: {} } as never), replyError("Solve", /holds refs where one ref was asked for/));
  });
  await withGateway({ solve: () => ({ ref: "legacy" }) }, async (gw) => {
    assert.equal(await gw.solve({ def: [], metadata: {} } as never), "legacy");
  });
});

test("a Ping naming a worker platform without architecture is refused", async () => {
  await withGateway({ ping: () => ({ Workers: [{ ID: "w", platforms: [{ OS: "linux", Architecture: "" }] }] }) }, async (gw) => {
    await assert.rejects(gw.ping(), replyError("Ping", /names a worker platform 1 slimgo cannot use: its architecture is empty/));
  });
});

test("ResolveImageConfig bytes are checked, and the error names the image", async () => {
  const ref = "docker.io/library/golang:1.24-bookworm";
  const resolveWith = (config: string, digest = "sha256:" + "a".repeat(64)) =>
    withGateway({ resolveImageConfig: () => ({ Digest: digest, Config: enc(config) }) }, (gw) =>
      gw.resolveImageConfig(ref, { platform: { os: "linux", architecture: "amd64" }, resolveMode: "default", logName: "x", sessionId: "s" }).then((r) => {
        resolved = r;
      }),
    );
  let resolved: Awaited<ReturnType<Gateway["resolveImageConfig"]>> | undefined;
  const cases: Array<[string, string]> = [
    ["\u0000\u0001garbage", "it is not JSON (it starts "],
    ["", "it is empty"],
    ["null", "it is null, not a JSON object"],
    ["[]", "it is a list, not a JSON object"],
    ['{"config":{"Env":"x"}}', 'config.Env is "x", not a list of strings'],
    ['{"config":{"Env":[5]}}', "config.Env has item 1 number 5, not a string"],
    ['{"config":{"Env":["A=1",null]}}', "config.Env has item 2 null, not a string"],
    ['{"config":"x"}', 'config is "x", not an object'],
    ['{"config":{"WorkingDir":7}}', "config.WorkingDir is number 7, not a string"],
    ['{"config":{"Labels":{"a":1}}}', 'config.Labels has "a" set to number 1, not a string'],
    ['{"config":{"ExposedPorts":["80/tcp"]}}', "config.ExposedPorts is a list, not an object"],
    ['{"architecture":5}', "architecture is number 5, not a string"],
  ];
  for (const [config, what] of cases) {
    await assert.rejects(resolveWith(config), (e: unknown) => e instanceof ImageConfigError && e.message.startsWith(`image ${ref} has a config slimgo cannot use: ${what}`), config);
  }
  await assert.rejects(resolveWith("{}", "latest"), replyError("ResolveImageConfig", /for docker\.io\/library\/golang:1\.24-bookworm gives the digest "latest"/));
  // Go writes absent lists as null: those are accepted and dropped.
  await resolveWith('{"os":"linux","config":{"Env":["PATH=/bin"],"Cmd":null,"Entrypoint":null,"Labels":null,"WorkingDir":"/go","OnBuild":null}}', "");
  assert.deepEqual(resolved, { digest: "", config: { os: "linux", config: { Env: ["PATH=/bin"], WorkingDir: "/go", OnBuild: null } } });
});

test("an unanswered Ping fails at its deadline naming the call, and Return still goes through", async () => {
  let returned = 0;
  await withGateway({ ping: () => new Promise(() => {}), return: () => ((returned += 1), {}) }, async (gw) => {
    gw.setDeadlines({ metadataMs: 200, resolveMs: 200 });
    const started = performance.now();
    await assert.rejects(gw.ping(), (e: unknown) => e instanceof RpcError && e.code === status.DEADLINE_EXCEEDED && e.message === "Ping: DEADLINE_EXCEEDED: no answer within 200 ms");
    assert.ok(performance.now() - started < 2000, "the deadline was not applied");
    await gw.returnError({ code: 4, message: "x" });
    assert.equal(returned, 1);
    await assert.rejects(gw.returnResult({}), /Return was already called/);
    assert.equal(returned, 1, "a second Return reached BuildKit");
  });
});

test("the first read of a lazily solved ref runs the build, so only later reads have a deadline", async () => {
  const slow = () => new Promise<{ Data: Uint8Array }>((ok) => setTimeout(() => ok({ Data: enc("x") }), 400));
  await withGateway({ solve: () => ({ result: { result: { case: "ref", value: { id: "build" } } } }), readFile: slow }, async (gw) => {
    gw.setDeadlines({ metadataMs: 150, resolveMs: 150 });
    const ref = await gw.solve({ def: [], metadata: {} } as never);
    sameBytes(await gw.readFile(ref, "report"), enc("x"));
    await assert.rejects(gw.readFile(ref, "report"), { name: "RpcError", message: "ReadFile: DEADLINE_EXCEEDED: no answer within 150 ms" });
  });
});
