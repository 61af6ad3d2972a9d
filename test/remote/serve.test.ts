/**
 * The service as a process in front of two standalone buildkitd nodes on
 * loopback, with a loopback registry for images and the registry cache:
 * examples/hello uploaded as a tar and watched to SUCCEEDED; then built for
 * linux/amd64 and linux/arm64 across both nodes into one pushed OCI index;
 * again with --sbom and --provenance, whose attestations the index carries;
 * with the spec sent from stdin (-f -); a private module through the
 * tenant's secrets;
 * then fetched from a git repository a loopback git daemon serves.
 * Needs `make buildkit` (buildkitd, runc, docker-registry) and
 * golang:1.24-bookworm in the local Docker engine.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type GoProxy, prefetchModules, startGoProxy } from "../../scripts/goproxy.js";
import { type Build, BuildState } from "../../src/gen/slimgo/v1/builds_pb.js";
import { inspectAttestation, provenanceLlb } from "../support/attestations.js";
import { type PrivateProxy, PRIVATE_MODULE, startPrivateProxy } from "../support/private-proxy.js";
import { requireBuildkit, startNode } from "../support/buildkit/buildkitd.js";
import { type Registry, startRegistry } from "../support/buildkit/registry.js";
import { type BuildsClient, buildsClient } from "../serve/support/builds-client.js";
import { tarChunks } from "../serve/support/tar.js";

const REGISTRY_PORT = Number(process.env["SLIMGO_SERVE_REGISTRY_PORT"] ?? 5170);
const HELLO = resolve("examples/hello");
const TOKEN = "e2e-token";

let dir: string;
let registry: Registry;
let proxy: GoProxy;
/** A company's module proxy: HTTPS with its own CA and basic auth; the tenant's secrets in serve.yaml open it. */
let pp: PrivateProxy;
let child: ChildProcess;
let client: BuildsClient;
let metricsAddress: string;
let logs = "";
const closers: Array<() => Promise<unknown> | void> = [];

before(async () => {
  requireBuildkit();
  dir = mkdtempSync(join(tmpdir(), "slimgo-serve-e2e-"));
  closers.push(() => rmSync(dir, { recursive: true, force: true }));
  registry = await startRegistry(dir, REGISTRY_PORT);
  closers.push(() => registry.stop());
  await registry.pushAsDockerHub(["golang:1.24-bookworm"]);
  const n1 = await startNode({ name: "serve1", dir, registry: registry.host });
  closers.push(() => n1.destroy());
  // Steps run on a worker's first platform: n2 compiles for arm64 on amd64, as slimgo cross-compiles.
  const n2 = await startNode({ name: "serve2", dir, registry: registry.host, platforms: ["linux/amd64", "linux/arm64"] });
  closers.push(() => n2.destroy());
  proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), [HELLO]));
  closers.push(() => proxy.close());
  pp = await startPrivateProxy(join(dir, "private"), `slimgo-serve-secret-${randomBytes(16).toString("hex")}`);
  closers.push(() => pp.proxy.close());
  writeFileSync(
    join(dir, "serve.yaml"),
    `listen: 127.0.0.1:0
metrics: 127.0.0.1:0
state: state.db
workdir: work
tenants:
  - {name: team-a, tokenSha256: ${createHash("sha256").update(TOKEN).digest("hex")}, secrets: {netrc: ${pp.netrcFile}, ca-certs: ${pp.caFile}}}
nodes:
  - {name: n1, addr: "${n1.socket}", platforms: [linux/amd64], maxBuilds: 2}
  - {name: n2, addr: "${n2.socket}", platforms: [linux/arm64], maxBuilds: 2}
cache: {registry: ${registry.host}/slimgo-cache}
`,
  );
  child = spawn(process.execPath, ["--import", "tsx", "test/serve/support/serve-main.ts", join(dir, "serve.yaml")], { stdio: ["ignore", "pipe", "pipe"] });
  child.stderr?.on("data", (b: Buffer) => (logs = (logs + b.toString()).slice(-400_000)));
  closers.push(
    () =>
      new Promise((r) => {
        if (child.exitCode !== null) return r(undefined);
        child.once("exit", r);
        child.kill("SIGTERM");
      }),
  );
  const started = await new Promise<{ address: string; metrics: string }>((resolveStart, reject) => {
    let out = "";
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n") && line) resolveStart(JSON.parse(line) as { address: string; metrics: string });
    });
    child.once("exit", (c) => reject(new Error(`slimgo serve exited (${c}): ${logs.slice(-2000)}`)));
  });
  metricsAddress = started.metrics;
  client = buildsClient(started.address, TOKEN);
  closers.push(() => client.close());
});

after(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function helloTar(): Promise<Buffer[]> {
  return tarChunks(
    readdirSync(HELLO).map((f) => ({ name: f, mode: 0o644, body: readFileSync(join(HELLO, f)) })),
    64 << 10,
  );
}

const goArgs = () => ["--network=host", "--build-arg", `GOPROXY=${proxy.url}`, "--build-arg", "GOSUMDB=off"];

function verdictOf(events: Awaited<ReturnType<BuildsClient["watch"]>>): Build | undefined {
  const last = events.at(-1);
  return last?.event.case === "build" ? last.event.value : undefined;
}

test("examples/hello uploaded, built on a node, watched to SUCCEEDED", { timeout: 900_000 }, async (t) => {
  const image = `${registry.host}/serve/hello:1`;
  const id = await client.submit([...goArgs(), "--platform", "linux/amd64", "-t", image, "--push"], await helloTar());
  const events = await client.watch(id);
  const verdict = verdictOf(events);
  assert.equal(verdict?.state, BuildState.SUCCEEDED, `${verdict?.error}\n${logs.slice(-4000)}`);
  assert.match(verdict?.digests["linux/amd64"] ?? "", /^sha256:[0-9a-f]{64}$/);
  assert.equal(verdict?.node, "n1");
  assert.equal(verdict?.attempts, 1);
  const names = events.flatMap((e) => (e.event.case === "status" ? e.event.value.vertexes.map((v) => v.name) : []));
  assert.ok(names.some((n) => /go build/.test(n)), names.join("\n"));

  // A late watcher gets the same history.
  assert.equal((await client.watch(id)).length, events.length);
  // Every log line about the build names it.
  assert.ok(logs.split("\n").some((l) => l.includes(`"build":"${id}"`) && l.includes("build finished")));
  const metrics = await (await fetch(`http://${metricsAddress}/metrics`)).text();
  assert.match(metrics, /^slimgo_builds_total\{result="succeeded"\} 1$/m);
  assert.deepEqual(readdirSync(join(dir, "work")), [], "the context is removed once the build is done");
  t.diagnostic(`submit to SUCCEEDED: ${Number((verdict?.finished?.seconds ?? 0n) - (verdict?.created?.seconds ?? 0n))} s`);
});

test("linux/amd64,linux/arm64 split across the two nodes and joined into one pushed OCI index", { timeout: 900_000 }, async (t) => {
  const id = await client.submit([...goArgs(), "--platform", "linux/amd64,linux/arm64", "-t", `${registry.host}/serve/hello:multi`, "--push"], await helloTar());
  const verdict = verdictOf(await client.watch(id));
  assert.equal(verdict?.state, BuildState.SUCCEEDED, `${verdict?.error}\n${logs.slice(-4000)}`);
  assert.equal(verdict?.node, "n1,n2");
  const res = await fetch(`http://${registry.host}/v2/serve/hello/manifests/multi`, { headers: { accept: "application/vnd.oci.image.index.v1+json" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/vnd.oci.image.index.v1+json");
  const body = Buffer.from(await res.arrayBuffer());
  assert.equal(`sha256:${createHash("sha256").update(body).digest("hex")}`, verdict?.digests["index"]);
  const index = JSON.parse(body.toString()) as { manifests: Array<{ digest: string; platform: { architecture: string } }> };
  assert.deepEqual(
    index.manifests.map((m) => [m.platform.architecture, m.digest]),
    [
      ["amd64", verdict?.digests["linux/amd64"]],
      ["arm64", verdict?.digests["linux/arm64"]],
    ],
  );
  // The registry cache: one ref per repository and platform.
  const tags = (await (await fetch(`http://${registry.host}/v2/slimgo-cache/example.com-hello/tags/list`)).json()) as { tags: string[] };
  assert.deepEqual([...tags.tags].sort(), ["linux-amd64", "linux-arm64"]);
  t.diagnostic(`two-platform submit to SUCCEEDED: ${Number((verdict?.finished?.seconds ?? 0n) - (verdict?.created?.seconds ?? 0n))} s`);
});

test("--sbom=true --provenance=mode=max over two platforms: the joined index carries each platform's attestations", { timeout: 900_000 }, async (t) => {
  const ref = `${registry.host}/serve/hello:attested`;
  const id = await client.submit([...goArgs(), "--platform", "linux/amd64,linux/arm64", "-t", ref, "--push", "--sbom=true", "--provenance=mode=max"], await helloTar());
  const verdict = verdictOf(await client.watch(id));
  assert.equal(verdict?.state, BuildState.SUCCEEDED, `${verdict?.error}\n${logs.slice(-4000)}`);
  const index = (await (await fetch(`http://${registry.host}/v2/serve/hello/manifests/attested`, { headers: { accept: "application/vnd.oci.image.index.v1+json" } })).json()) as {
    manifests: Array<{ platform: { architecture: string }; annotations?: Record<string, string> }>;
  };
  assert.deepEqual(
    index.manifests.map((m) => `${m.platform.architecture}${m.annotations?.["vnd.docker.reference.type"] === "attestation-manifest" ? " attestation" : ""}`),
    ["amd64", "arm64", "unknown attestation", "unknown attestation"],
  );
  const sboms = (await inspectAttestation(ref, "SBOM")) as Record<string, { SPDX: { packages: Array<{ name: string; versionInfo: string }> } }>;
  const provenances = (await inspectAttestation(ref, "Provenance")) as Record<string, { SLSA: unknown }>;
  for (const platform of ["linux/amd64", "linux/arm64"]) {
    const packages = sboms[platform]?.SPDX.packages.map((p) => `${p.name}@${p.versionInfo}`) ?? [];
    assert.ok(packages.includes("github.com/google/uuid@v1.6.0"), `${platform}: ${packages.join(" ")}`);
    assert.ok((provenanceLlb(provenances[platform]?.SLSA)?.length ?? 0) > 0, `${platform}: no mode=max provenance`);
  }
  t.diagnostic(`attested two-platform submit to SUCCEEDED: ${Number((verdict?.finished?.seconds ?? 0n) - (verdict?.created?.seconds ?? 0n))} s`);
});

test("-f -: the spec from stdin, sent with the options, is the one the node builds", { timeout: 900_000 }, async () => {
  const spec = new TextEncoder().encode("# syntax=slimgo:dev\nname: hello-from-stdin\n");
  const id = await client.submit([...goArgs(), "-f", "-", "--platform", "linux/amd64", "-t", `${registry.host}/serve/hello:stdin`, "--push"], await helloTar(), undefined, undefined, spec);
  const verdict = verdictOf(await client.watch(id));
  assert.equal(verdict?.state, BuildState.SUCCEEDED, `${verdict?.error}\n${logs.slice(-4000)}`);
  const manifest = (await (await fetch(`http://${registry.host}/v2/serve/hello/manifests/stdin`, { headers: { accept: "application/vnd.oci.image.manifest.v1+json" } })).json()) as { config: { digest: string } };
  const config = (await (await fetch(`http://${registry.host}/v2/serve/hello/blobs/${manifest.config.digest}`)).json()) as { config: { Entrypoint: string[] } };
  assert.deepEqual(config.config.Entrypoint, ["/usr/local/bin/hello-from-stdin"]);
});

test("a private module: the tenant's netrc and CA, lent by the service, open the company proxy; without --secret id=netrc the verdict names the flag", { timeout: 900_000 }, async (t) => {
  const fixture = resolve("test/fixtures/projects/private");
  const files = readdirSync(fixture).map((f) => ({ name: f, mode: 0o644, body: readFileSync(join(fixture, f)) }));
  const upload = () => tarChunks([...files, { name: "slimgo.yaml", mode: 0o644, body: "# syntax=slimgo:dev\nmain: .\n" }], 64 << 10);
  const args = [
    "--network=host",
    ...["GOPROXY=" + pp.proxy.url, "GOSUMDB=off", "GOPRIVATE=slimgo.test/private", "GONOPROXY=none", `SLIMGO_CACHE_NAMESPACE=serve-private-${process.pid}`].flatMap((a) => ["--build-arg", a]),
    "--platform",
    "linux/amd64",
    "--secret",
    "id=ca-certs",
  ];
  const without = verdictOf(await client.watch(await client.submit(args, await upload())));
  assert.equal(without?.state, BuildState.FAILED);
  t.diagnostic(`without --secret id=netrc: ${without?.error}`);
  assert.match(without?.error ?? "", new RegExp(`${PRIVATE_MODULE.replace(/\./g, "\\.")} is private .*pass --secret id=netrc`));
  const withNetrc = verdictOf(await client.watch(await client.submit([...args, "--secret", "id=netrc"], await upload())));
  assert.equal(withNetrc?.state, BuildState.SUCCEEDED, `${withNetrc?.error}\n${logs.slice(-4000)}`);
  assert.ok(!logs.includes(pp.password), "the secret is not in the service's log");
});

test("examples/hello from a git repository on loopback", { timeout: 900_000 }, async (t) => {
  const repos = join(dir, "repos");
  const repo = join(repos, "hello");
  mkdirSync(repo, { recursive: true });
  cpSync(HELLO, repo, { recursive: true });
  const when = "2024-03-01T12:00:00Z";
  const git = (...a: string[]) => execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", ...a], { encoding: "utf8", env: { ...process.env, GIT_COMMITTER_DATE: when } });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "hello");
  const commit = git("rev-parse", "HEAD").trim();
  const port = 20000 + (process.pid % 20000);
  const daemon = spawn("git", ["daemon", "--reuseaddr", "--export-all", `--base-path=${repos}`, "--listen=127.0.0.1", `--port=${port}`, repos], { stdio: "ignore" });
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const id = await client.submit([...goArgs(), "--platform", "linux/amd64", "-t", `${registry.host}/serve/hello:git`, "--push"], [], undefined, { url: `git://127.0.0.1:${port}/hello`, ref: "main" });
    const verdict = verdictOf(await client.watch(id));
    assert.equal(verdict?.state, BuildState.SUCCEEDED, `${verdict?.error}\n${logs.slice(-4000)}`);
    assert.equal(verdict?.repository, `git://127.0.0.1:${port}/hello`);
    assert.equal(verdict?.commit, commit);
    // The archive has no .git: the commit's time still reaches the image, as a local .git's would.
    const manifest = (await (await fetch(`http://${registry.host}/v2/serve/hello/manifests/git`, { headers: { accept: "application/vnd.oci.image.manifest.v1+json" } })).json()) as { config: { digest: string } };
    const config = (await (await fetch(`http://${registry.host}/v2/serve/hello/blobs/${manifest.config.digest}`)).json()) as { created: string };
    assert.equal(config.created, when);
    t.diagnostic(`git submit to SUCCEEDED: ${Number((verdict?.finished?.seconds ?? 0n) - (verdict?.created?.seconds ?? 0n))} s`);
  } finally {
    daemon.kill();
  }
});
