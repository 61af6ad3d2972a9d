/**
 * Reproducible images: the same commit built with SOURCE_DATE_EPOCH on two
 * fresh standalone buildkitd nodes (empty state each) gives the same image
 * manifest digest for linux/amd64 and for linux/arm64. Without it the
 * digests differ (the image's creation time), which shows the check can fail.
 * Without the build arg, a context with .git is dated by its commit's time.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type BuildkitNode, startNode } from "../support/buildkit/buildkitd.js";
import { type RemoteSuite, setUpSuite } from "./support/suite.js";

const PLATFORMS = ["linux/amd64", "linux/arm64"];
const EPOCH = "1700000000";
const COMMIT_TIME = 1712345678;

let suite: RemoteSuite;
let dir: string;
let scratchDir: string;
let gitDir: string;
const nodes: BuildkitNode[] = [];

before(async () => {
  suite = await setUpSuite("repro");
  dir = suite.project();
  scratchDir = suite.project();
  const spec = join(scratchDir, "slimgo.yaml");
  writeFileSync(spec, `${readFileSync(spec, "utf8")}base: scratch\n`);
  gitDir = suite.project();
  const date = `${COMMIT_TIME} +0000`;
  const env = { ...process.env, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date, GIT_CONFIG_GLOBAL: "/dev/null" };
  for (const args of [["init", "-q"], ["add", "-A"], ["commit", "-qm", "fixture"], ["gc", "-q", "--prune=now"]]) {
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: gitDir, env });
  }
  for (const name of ["repro1", "repro2"]) nodes.push(await startNode({ name, dir: suite.dir, registry: suite.registry.host }));
});

after(async () => {
  for (const n of nodes.splice(0)) await n.destroy();
  await suite?.close();
});

/** Build on `node` into an OCI layout and return each platform's image manifest digest. */
async function build(node: BuildkitNode, label: string, buildArgs: Record<string, string>, project = dir, outputAttrs = ""): Promise<Record<string, string>> {
  const out = join(suite.dir, `${node.name}-${label}`);
  const res = await node.buildctl([
    "build", "--progress=plain",
    "--frontend", "gateway.v0",
    "--opt", `source=${suite.frontendRef}`,
    "--opt", "filename=slimgo.yaml",
    "--opt", `platform=${PLATFORMS.join(",")}`,
    "--local", `context=${project}`,
    "--local", `dockerfile=${project}`,
    "--opt", "force-network-mode=host",
    "--allow", "network.host",
    ...Object.entries({ ...suite.goArgs, ...buildArgs }).flatMap(([k, v]) => ["--opt", `build-arg:${k}=${v}`]),
    "--output", `type=oci,dest=${out},tar=false${outputAttrs}`,
  ]);
  assert.equal(res.code, 0, `build on ${node.name} failed:\n${res.stderr.slice(-4000)}\nbuildkitd:\n${node.daemon.tail()}`);
  return platformDigests(out);
}

/** A manifest's layers and its config, to see what differs. */
function describe(layout: string, digest: string): string {
  const read = (d: string) => readFileSync(join(layout, "blobs", ...d.split(":")), "utf8");
  const manifest = JSON.parse(read(digest)) as { config: { digest: string }; layers: Array<{ digest: string }> };
  const last = manifest.layers.at(-1)?.digest ?? "";
  const listing = execFileSync("tar", ["--full-time", "-tvzf", join(layout, "blobs", ...last.split(":"))], { encoding: "utf8" });
  const sum = execFileSync("sh", ["-c", `zcat "$1" | tar -xO | sha256sum`, "-", join(layout, "blobs", ...last.split(":"))], { encoding: "utf8" });
  return `layers ${manifest.layers.map((l) => l.digest.slice(7, 19)).join(" ")} last layer:\n${listing} content ${sum}`;
}

/** The `created` of the image config a manifest names. */
function created(layout: string, digest: string): string {
  const read = (d: string) => JSON.parse(readFileSync(join(layout, "blobs", ...d.split(":")), "utf8"));
  return read(read(digest).config.digest).created;
}

/** index.json → the image index → platform → manifest digest. */
function platformDigests(layout: string): Record<string, string> {
  const blob = (digest: string) => JSON.parse(readFileSync(join(layout, "blobs", ...digest.split(":")), "utf8")) as Index;
  type Index = { manifests: Array<{ digest: string; mediaType: string; platform?: { os: string; architecture: string } }> };
  const top = (JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as Index).manifests[0];
  assert.ok(top, "the OCI layout has no manifest");
  const index = blob(top.digest);
  const out: Record<string, string> = {};
  for (const m of index.manifests) if (m.platform) out[`${m.platform.os}/${m.platform.architecture}`] = m.digest;
  return out;
}

test("SOURCE_DATE_EPOCH, base: scratch: two fresh builders give the same digest for linux/amd64 and linux/arm64", async (t) => {
  const [a, b] = nodes as [BuildkitNode, BuildkitNode];
  const first = await build(a, "scratch", { SOURCE_DATE_EPOCH: EPOCH }, scratchDir);
  const second = await build(b, "scratch", { SOURCE_DATE_EPOCH: EPOCH }, scratchDir);
  t.diagnostic(`base: scratch with SOURCE_DATE_EPOCH: ${JSON.stringify(first)} / ${JSON.stringify(second)}`);
  assert.deepEqual(Object.keys(first).sort(), PLATFORMS);
  assert.deepEqual(second, first);
});

// The binary's copy adds /usr/local under the static base's /usr, so that directory's time in the
// binary's layer is the build's; BuildKit's exporter sets every file's time to SOURCE_DATE_EPOCH with
// rewrite-timestamp=true, as it does for Dockerfile builds (docs/build-repro.md in BuildKit).
test("SOURCE_DATE_EPOCH, base: static, rewrite-timestamp=true: two fresh builders give the same digest for linux/amd64 and linux/arm64", async (t) => {
  const [a, b] = nodes as [BuildkitNode, BuildkitNode];
  const first = await build(a, "epoch", { SOURCE_DATE_EPOCH: EPOCH }, dir, ",rewrite-timestamp=true");
  const second = await build(b, "epoch", { SOURCE_DATE_EPOCH: EPOCH }, dir, ",rewrite-timestamp=true");
  t.diagnostic(`with SOURCE_DATE_EPOCH: ${JSON.stringify(first)} / ${JSON.stringify(second)}`);
  assert.deepEqual(Object.keys(first).sort(), PLATFORMS);
  if (second["linux/amd64"] !== first["linux/amd64"]) {
    t.diagnostic(describe(join(suite.dir, `${a.name}-epoch`), first["linux/amd64"] ?? ""));
    t.diagnostic(describe(join(suite.dir, `${b.name}-epoch`), second["linux/amd64"] ?? ""));
  }
  assert.deepEqual(second, first);
});

test("no build arg, .git in the context (packed): two fresh builders give the same digest for linux/amd64 and linux/arm64, created at the commit's time", async (t) => {
  const [a, b] = nodes as [BuildkitNode, BuildkitNode];
  const first = await build(a, "git", {}, gitDir, ",rewrite-timestamp=true");
  const second = await build(b, "git", {}, gitDir, ",rewrite-timestamp=true");
  t.diagnostic(`from the commit time: ${JSON.stringify(first)} / ${JSON.stringify(second)}`);
  assert.deepEqual(Object.keys(first).sort(), PLATFORMS);
  assert.deepEqual(second, first);
  for (const p of PLATFORMS) assert.equal(new Date(created(join(suite.dir, `${a.name}-git`), first[p] ?? "")).getTime(), COMMIT_TIME * 1000, p);
});

test("without SOURCE_DATE_EPOCH the same builds differ, so the comparison can fail", async (t) => {
  const [a, b] = nodes as [BuildkitNode, BuildkitNode];
  const first = await build(a, "plain", {});
  // A second apart at least: the image's creation time has whole seconds in some exporters.
  await new Promise((ok) => setTimeout(ok, 1100));
  const second = await build(b, "plain", {});
  t.diagnostic(`without: ${JSON.stringify(first)} / ${JSON.stringify(second)}`);
  for (const p of PLATFORMS) assert.notEqual(second[p], first[p], p);
});
