/**
 * slimgo serve end to end: a real project submitted from a directory, built
 * for linux/amd64 and linux/arm64 on two nodes into one pushed index; tenants kept apart; hostile and abandoned
 * uploads leave nothing behind.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pack } from "tar-stream";
import { ServerError } from "../../src/builds-client/server-address.js";
import { BuildState } from "../../src/gen/slimgo/v1/builds_pb.js";
import { indexPlatforms } from "../support/serve/index-platforms.js";
import { sleep } from "../support/buildkit/daemon.js";
import { type Cluster, TENANTS, startCluster } from "../support/serve/cluster.js";
import { slimgo } from "../support/serve/client-process.js";

const [A, B] = TENANTS as [(typeof TENANTS)[0], (typeof TENANTS)[0]];
let c: Cluster;
let firstBuild = "";

before(async () => {
  c = await startCluster("submit", [
    { name: "n1", platforms: ["linux/amd64"] },
    { name: "n2", platforms: ["linux/arm64"] },
  ]);
});

after(async () => {
  await c?.close();
});

test("a directory (examples/hello) builds for amd64 and arm64 on two nodes into one index", async (t) => {
  const ref = `${c.registry.host}/hello:dir`;
  const res = await slimgo(["build", "--server", c.service.url, "--progress", "plain", "--platform", "linux/amd64,linux/arm64", "-t", ref, "--push", ...c.goFlags, c.project("hello")], A.token);
  assert.equal(res.code, 0, res.stderr.slice(-4000));
  assert.match(res.stderr, /verified hello linux\/amd64: static amd64 ELF/);
  assert.match(res.stderr, /verified hello linux\/arm64: static arm64 ELF/);
  const id = /build (\S+) succeeded/.exec(res.stderr)?.[1];
  assert.ok(id, res.stderr.slice(-2000));
  firstBuild = id;
  const b = await c.service.client(A.name).get(id);
  assert.deepEqual(Object.keys(b.digests).sort(), ["index", "linux/amd64", "linux/arm64"]);
  assert.deepEqual(await indexPlatforms(ref), ["linux/amd64", "linux/arm64"]);
  t.diagnostic(`directory build ${id}: node ${b.node}, index ${b.digests["index"]}`);
});

test("another tenant cannot see, watch or cancel a build; no token is UNAUTHENTICATED", async () => {
  assert.ok(firstBuild, "the directory build did not run");
  const other = c.service.client(B.name);
  try {
    for (const call of [() => other.get(firstBuild), () => other.cancel(firstBuild), () => other.watch(firstBuild, () => {})]) {
      await assert.rejects(call(), (e: unknown) => e instanceof ServerError && /^build \S+: /.test(e.message));
    }
    assert.ok(!(await other.list(50)).some((b) => b.id === firstBuild), "team-b's list shows team-a's build");
  } finally {
    other.close();
  }
  const anonymous = c.service.client(undefined);
  try {
    await assert.rejects(anonymous.list(10), /refused the call/);
  } finally {
    anonymous.close();
  }
  const cli = await slimgo(["builds", "show", firstBuild, "--server", c.service.url], B.token);
  assert.equal(cli.code, 1);
  assert.equal(cli.stderr.trim().split("\n").length, 1, cli.stderr);
  const mine = await slimgo(["builds", "show", firstBuild, "--server", c.service.url, "--json"], A.token);
  assert.equal(mine.code, 0, mine.stderr);
  assert.equal(JSON.parse(mine.stdout).state, "succeeded");
});

/** A tar stream made of `entries`, for uploads no honest client sends. */
function hostileTar(entries: ReadonlyArray<{ name: string; type?: "file" | "symlink"; linkname?: string; body?: string }>): AsyncIterable<Uint8Array> {
  const p = pack();
  for (const e of entries) {
    if (e.type === "symlink") p.entry({ name: e.name, type: "symlink", linkname: e.linkname ?? "" });
    else p.entry({ name: e.name }, e.body ?? "x");
  }
  p.finalize();
  return p as AsyncIterable<Uint8Array>;
}

test("hostile tars are refused with a clear error and nothing lands outside the build's directory", async () => {
  const client = c.service.client(A.name);
  const outside = join(c.dir, "escaped");
  try {
    for (const [what, entries] of [
      ["a .. path", [{ name: "go.mod", body: "module x\n" }, { name: "../../../../escaped", body: "pwned" }]],
      ["an absolute path", [{ name: `${outside}`, body: "pwned" }]],
      ["a symlink out of the context", [{ name: "link", type: "symlink", linkname: "../../../../.." }, { name: "link/escaped", body: "pwned" }]],
    ] as const) {
      await assert.rejects(client.submit({ args: [], context: hostileTar(entries) }), (e: unknown) => e instanceof ServerError && !e.message.includes("\n"), what);
      assert.ok(!existsSync(outside), `${what}: a file was written outside the build's directory`);
    }
  } finally {
    client.close();
  }
  assert.deepEqual(await settledWorkdir(), [], "a refused upload left files in the workdir");
});

test("a client that disconnects mid-upload leaves nothing in the workdir", async () => {
  const client = c.service.client(A.name);
  const abort = new AbortController();
  async function* endless(): AsyncGenerator<Uint8Array> {
    const p = pack();
    const big = Buffer.alloc(64 << 20, 0x61);
    p.entry({ name: "go.mod" }, "module x\n");
    // A file header promising 64 MiB, of which 8 MiB arrive before the client goes away.
    const file = p.entry({ name: "big.bin", size: big.length });
    file.write(big.subarray(0, 8 << 20));
    for await (const chunk of p as AsyncIterable<Uint8Array>) {
      yield chunk;
      if (abort.signal.aborted) return;
    }
  }
  setTimeout(() => abort.abort(), 2000).unref();
  await assert.rejects(client.submit({ args: [], context: endless() }, abort.signal));
  client.close();
  assert.deepEqual(await settledWorkdir(), [], "an abandoned upload left files in the workdir");
});

/** The workdir once uploads have had 10 s to be cleaned up (the finished builds' contexts go too). */
async function settledWorkdir(): Promise<string[]> {
  for (let i = 0; i < 40; i++) {
    const left = c.service.workdirEntries().filter((p) => !p.includes("/"));
    if (left.length === 0) return [];
    await sleep(250);
  }
  const client = c.service.client(A.name);
  try {
    // Directories of builds still alive are allowed: only those of no live build count.
    const live = new Set((await client.list(100)).filter((b) => b.state === BuildState.QUEUED || b.state === BuildState.RUNNING).map((b) => b.id));
    return c.service.workdirEntries().filter((p) => !p.includes("/") && !live.has(p));
  } finally {
    client.close();
  }
}
