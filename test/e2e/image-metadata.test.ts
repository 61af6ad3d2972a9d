/**
 * What a Dockerfile user expects of the image, through the real engine:
 * HEALTHCHECK, STOPSIGNAL, --label, annotations and ldflags stamps in the
 * loaded image; and with --sbom --push to a loopback registry, an SPDX
 * document buildx shows, listing the binary's modules and its build
 * settings. ${COMMIT} is read from the context's .git.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { type Registry, startRegistry } from "../support/buildkit/registry.js";
import { buildx, run } from "../support/docker.js";
import { plainProject, runImage } from "../support/fixture.js";

const TAG = `slimgo-e2e-metadata:${process.pid}`;
const SPEC = [
  "main: ./cmd/plain",
  "healthcheck: {test: [/usr/local/bin/plain, -health], interval: 30s, timeout: 5s, startPeriod: 2s, retries: 3}",
  "stopSignal: SIGINT",
  "labels: {team: core, tier: spec}",
  "annotations: {org.opencontainers.image.source: https://example.com/plain}",
  "ldflags: -X main.commit=${COMMIT} -X main.date=${DATE}",
  "",
].join("\n");

let commit = "";
let commitDate = "";
// A repository, so ${COMMIT} has a commit to read from the context's .git.
const project = plainProject(SPEC, async (dir) => {
  // The program prints what ldflags stamped into it.
  writeFileSync(join(dir, "cmd/plain/stamp.go"), 'package main\n\nvar commit, date string\n\nfunc init() { println("stamp", commit, date) }\n');
  const git = (...args: string[]) => run("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args]);
  for (const args of [["init", "-q"], ["add", "-A"], ["commit", "-qm", "fixture"]]) assert.equal((await git(...args)).code, 0);
  commit = (await git("rev-parse", "HEAD")).stdout.trim();
  const seconds = Number((await git("log", "-1", "--format=%ct")).stdout.trim());
  commitDate = new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z");
});
let registry: Registry | undefined;
let registryDir: string | undefined;
/** A push through the engine's builder also stores the image in the engine, under the registry's name. */
const pushed: string[] = [];

after(async () => {
  await registry?.stop();
  if (registryDir) rmSync(registryDir, { recursive: true, force: true });
  await run("docker", ["image", "rm", "-f", TAG, ...pushed]);
});

const goArgs = () => project.buildArgs;

test("healthcheck, stopSignal, labels and --label land in the image config as Docker writes them", async () => {
  const res = await buildx({ dir: project.dir, tag: TAG, buildArgs: goArgs(), extra: ["--network=host", "--label", "tier=cli", "--label", "build=42"] });
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  const config = JSON.parse((await run("docker", ["image", "inspect", TAG])).stdout)[0].Config;
  assert.deepEqual(config.Healthcheck, { Test: ["CMD", "/usr/local/bin/plain", "-health"], Interval: 30e9, Timeout: 5e9, StartPeriod: 2e9, Retries: 3 });
  assert.equal(config.StopSignal, "SIGINT");
  assert.deepEqual(config.Labels, { build: "42", team: "core", tier: "cli" });
  // ${COMMIT} from the context's .git; ${DATE} is SOURCE_DATE_EPOCH, without the build arg the commit's time.
  const out = await runImage(TAG);
  assert.match(out, new RegExp(`^stamp ${commit} ${commitDate}$`, "m"));
  assert.match(out, /^hello from plain/m);
});

test("--sbom --push: buildx shows an SPDX document with the binary's modules, and the manifest has the annotations", async () => {
  registryDir = mkdtempSync(join(tmpdir(), "slimgo-e2e-registry-"));
  registry = await startRegistry(registryDir, 5300 + (process.pid % 400));
  const ref = `${registry.host}/slimgo-e2e/plain:sbom`;
  pushed.push(ref);
  const res = await buildx({
    dir: project.dir,
    tag: ref,
    buildArgs: { ...goArgs(), SOURCE_DATE_EPOCH: "1700000000" },
    extra: ["--network=host", "--sbom=true", "--provenance=mode=min", "--annotation", "manifest:org.example.by-flag=yes", "--output", "type=image,push=true"],
  });
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  assert.match(res.stderr, /SBOM: 1 Go binary from build info/);

  const sbom = await run("docker", ["buildx", "imagetools", "inspect", "--format", "{{json .SBOM}}", ref]);
  assert.equal(sbom.code, 0, sbom.stderr);
  const doc = JSON.parse(sbom.stdout).SPDX;
  assert.equal(doc.spdxVersion, "SPDX-2.3");
  const packages = new Map(doc.packages.map((p: { name: string; versionInfo: string }) => [p.name, p.versionInfo]));
  // With .git in the context, go stamps the main module with a pseudo-version of the commit.
  assert.match(String(packages.get("example.com/plain")), new RegExp(`^v0\\.0\\.0-\\d{14}-${commit.slice(0, 12)}$`));
  assert.equal(packages.get("github.com/google/uuid"), "v1.6.0");
  assert.match(String(packages.get("stdlib")), /^go1\.24\./);
  // The build settings (go leaves -ldflags out under -trimpath), with the commit go stamped from .git.
  const main = doc.packages.find((p: { name: string }) => p.name === "example.com/plain");
  assert.match(main.comment, new RegExp(`build settings: .*-trimpath=true CGO_ENABLED=0 GOARCH=amd64 .*vcs.revision=${commit}`));

  const provenance = await run("docker", ["buildx", "imagetools", "inspect", "--format", "{{json .Provenance}}", ref]);
  assert.equal(provenance.code, 0, provenance.stderr);
  assert.ok(JSON.parse(provenance.stdout).SLSA, "BuildKit's provenance is still attached");

  const raw = await run("docker", ["buildx", "imagetools", "inspect", "--raw", ref]);
  const index = JSON.parse(raw.stdout);
  const image = index.manifests.find((m: { platform?: { architecture: string } }) => m.platform?.architecture === "amd64");
  const manifest = JSON.parse((await run("docker", ["buildx", "imagetools", "inspect", "--raw", `${ref.replace(/:sbom$/, "")}@${image.digest}`])).stdout);
  assert.equal(manifest.annotations?.["org.opencontainers.image.source"], "https://example.com/plain");
  assert.equal(manifest.annotations?.["org.example.by-flag"], "yes");
});
