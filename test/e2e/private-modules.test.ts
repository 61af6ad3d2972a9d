/**
 * A module with a private dependency, served only by a loopback HTTPS proxy
 * with basic auth and a CA of its own: it builds with --secret id=netrc and
 * --secret id=ca-certs, fails naming the module and the flag without either,
 * and the secrets' bytes are in no layer, no image config or history, and no
 * blob of a mode=max registry cache export. A second proxy takes only a bearer
 * token, which --secret id=goauth hands to go as a GOAUTH command's output.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Registry, startRegistry } from "../support/buildkit/registry.js";
import { buildx, requireEngine, run } from "../support/docker.js";
import { FRONTEND, copyFixture, runImage } from "../support/fixture.js";
import { type PrivateProxy, PRIVATE_MODULE, startPrivateProxy } from "../support/private-proxy.js";
import { assertImageClean, scanTree } from "../support/secret-scan.js";
import { freePort } from "../support/serve/ports.js";

const TAG = `slimgo-e2e-private:${process.pid}`;
const work = mkdtempSync(join(tmpdir(), "slimgo-private-"));
let pp: PrivateProxy;
let bearer: PrivateProxy;
let registry: Registry;
let project: ReturnType<typeof copyFixture>;
let args: Record<string, string>;

before(async () => {
  await requireEngine(FRONTEND);
  pp = await startPrivateProxy(join(work, "proxy"), `slimgo-secret-${randomBytes(16).toString("hex")}`);
  bearer = await startPrivateProxy(join(work, "bearer"), `slimgo-token-${randomBytes(16).toString("hex")}`, { bearer: true });
  mkdirSync(join(work, "registry"));
  registry = await startRegistry(join(work, "registry"), await freePort());
  project = copyFixture("private", "main: .\n");
  args = {
    GOPROXY: pp.proxy.url,
    GOSUMDB: "off",
    GOPRIVATE: "slimgo.test/private",
    // The company proxy serves the private modules too.
    GONOPROXY: "none",
    // A namespace of this run alone: no earlier build's fetch cache holds the module.
    SLIMGO_CACHE_NAMESPACE: `private-${process.pid}-${Date.now()}`,
  };
});

after(async () => {
  project?.remove();
  await pp?.proxy.close();
  await bearer?.proxy.close();
  await registry?.stop();
  await run("docker", ["image", "rm", "-f", TAG]);
  rmSync(work, { recursive: true, force: true });
});

const netrc = () => ["--secret", `id=netrc,src=${pp.netrcFile}`];
const ca = () => ["--secret", `id=ca-certs,src=${pp.caFile}`];

test("without --secret id=netrc the build fails naming the private module and the flag, on its require line", async () => {
  const res = await buildx({ dir: project.dir, tag: TAG, buildArgs: args, extra: ["--network=host", ...ca()] });
  assert.notEqual(res.code, 0);
  assert.match(res.stdout + res.stderr, /401 Unauthorized/, "Go's own message is in the step's output");
  assert.match(res.stderr, new RegExp(`go mod download: ${PRIVATE_MODULE.replace(/\./g, "\\.")} is private \\(GOPRIVATE=slimgo\\.test/private\\) and its server asked for credentials: pass --secret id=netrc`));
  assert.match(res.stderr, /go\.mod:5\n[^]*>>>\s+require slimgo\.test\/private\/greet v0\.1\.0/, "buildx did not frame the require line");
});

test("without --secret id=ca-certs the build fails naming the CA flag", async () => {
  const res = await buildx({ dir: project.dir, tag: TAG, buildArgs: args, extra: ["--network=host", ...netrc()] });
  assert.notEqual(res.code, 0);
  assert.match(res.stderr, /is private \(GOPRIVATE=slimgo\.test\/private\) and its server's TLS certificate is signed by an unknown authority: pass your CA with --secret id=ca-certs/);
});

test("with both secrets it builds and runs, and neither secret is in a layer, the config or a mode=max cache blob", async () => {
  const cache = `${registry.host}/private-cache:${process.pid}`;
  const res = await buildx({
    dir: project.dir,
    tag: TAG,
    buildArgs: args,
    extra: ["--network=host", ...netrc(), ...ca(), "--cache-to", `type=registry,ref=${cache},mode=max`],
  });
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  assert.equal((await runImage(TAG)).trim(), "hello from a private module");

  const needles = secretNeedles();
  // The scanner finds the secrets where they are: in the proxy's own files.
  assert.ok(scanTree(join(work, "proxy"), needles).hits.length >= 3, "the scan cannot see the secrets");
  await assertImageClean(TAG, needles, "secret");
  const blobs = scanTree(join(work, "registry", "data"), needles);
  assert.ok(blobs.searched >= 5, `the cache export left ${blobs.searched} files`);
  assert.deepEqual(blobs.hits, [], "secret bytes in the registry cache");
  const history = await run("docker", ["history", "--no-trunc", "--format", "{{.CreatedBy}}", TAG]);
  assert.ok(!history.stdout.includes(pp.password));
});

test("with --secret id=goauth a proxy that takes only a bearer token serves the module, and the token is in no layer", async () => {
  const res = await buildx({
    dir: project.dir,
    tag: TAG,
    // A fetch cache of its own: the basic-auth builds above hold the same module.
    buildArgs: { ...args, GOPROXY: bearer.proxy.url, SLIMGO_CACHE_NAMESPACE: `goauth-${process.pid}-${Date.now()}` },
    extra: ["--network=host", "--secret", `id=goauth,src=${bearer.goauthFile}`, "--secret", `id=ca-certs,src=${bearer.caFile}`],
  });
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  assert.deepEqual(bearer.proxy.zips(), [`/${PRIVATE_MODULE}/@v/v0.1.0.zip`], "the module did not come from the bearer proxy");
  assert.equal((await runImage(TAG)).trim(), "hello from a private module");
  const needles = [Buffer.from(bearer.password), readFileSync(bearer.goauthFile)];
  assert.ok(scanTree(join(work, "bearer"), needles).hits.length >= 1, "the scan cannot see the token");
  await assertImageClean(TAG, needles, "token");
});

/** The password, the netrc file and the CA certificate's body (a line from its middle, as it would sit in a bundle). */
function secretNeedles(): Buffer[] {
  const caLines = readFileSync(pp.caFile, "utf8").split("\n").filter((l) => l.length >= 60);
  assert.ok(caLines.length > 0);
  return [Buffer.from(pp.password), readFileSync(pp.netrcFile), Buffer.from(caLines[Math.floor(caLines.length / 2)] ?? "")];
}
