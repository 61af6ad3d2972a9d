/**
 * `slimgo build --push` to a loopback registry that wants basic auth over TLS
 * (a private CA the standalone buildkitd trusts), on that buildkitd over mTLS:
 * the session's Auth service answers BuildKit with the credentials of a docker
 * config file (`auths`), or of a credential helper (`credsStore`).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type BuildkitNode, startNode } from "../support/buildkit/buildkitd.js";
import { type Registry, startRegistry } from "../support/buildkit/registry.js";
import { type RemoteSuite, setUpSuite } from "./support/suite.js";
import { slimgoBuild } from "./support/slimgo-build.js";

const NODE_PORT = Number(process.env["SLIMGO_AUTH_NODE_PORT"] ?? 5212);
const REGISTRY_PORT = Number(process.env["SLIMGO_AUTH_REGISTRY_PORT"] ?? 5110);
const USER = "slimgo-pusher";
const PASSWORD = "correct horse battery staple";

let suite: RemoteSuite;
let registry: Registry;
let node: BuildkitNode;

before(async () => {
  suite = await setUpSuite("auth");
  const htpasswd = join(suite.dir, "htpasswd");
  try {
    writeFileSync(htpasswd, execFileSync("htpasswd", ["-Bbn", USER, PASSWORD]));
  } catch (err) {
    throw new Error(`htpasswd failed (${(err as Error).message}): run scripts/buildkit/setup.sh, which installs apache2-utils`);
  }
  const c = suite.certs;
  const store = join(suite.dir, "auth-registry");
  mkdirSync(store);
  registry = await startRegistry(store, REGISTRY_PORT, { tls: { cert: c.serverCert, key: c.serverKey, ca: c.ca }, htpasswd });
  node = await startNode({
    name: "auth-node",
    dir: suite.dir,
    tcp: { port: NODE_PORT, certs: c },
    registry: suite.registry.host,
    registryCAs: { [registry.host]: c.ca },
  });
});

after(async () => {
  await node?.destroy();
  await registry?.stop();
  await suite?.close();
});

/** A DOCKER_CONFIG directory holding `config`. */
function dockerConfig(name: string, config: object): string {
  const dir = join(suite.dir, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  return dir;
}

/** The manifest's HTTP status in the auth registry, asked with `auth` (user:password) or with none. */
function manifestStatus(repo: string, tag: string, auth?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `https://${registry.host}/v2/${repo}/manifests/${tag}`,
      {
        method: "HEAD",
        ca: readFileSync(suite.certs.ca),
        timeout: 10_000,
        headers: { Accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json" },
        ...(auth ? { auth } : {}),
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("timeout", () => req.destroy(new Error("the registry did not answer within 10 s")));
    req.on("error", reject);
    req.end();
  });
}

function push(repo: string, env: NodeJS.ProcessEnv) {
  const ref = `${registry.host}/${repo}:1`;
  return slimgoBuild(suite, node, suite.project(), ["-t", ref, "--push"], { env });
}

test("--push with basic auth: the credentials come from the docker config's auths", async () => {
  const auth = Buffer.from(`${USER}:${PASSWORD}`).toString("base64");
  const config = dockerConfig("config-auths", { auths: { [registry.host]: { auth } } });
  const res = await push("app-auths", { ...process.env, DOCKER_CONFIG: config });
  assert.equal(res.code, 0, `slimgo build failed:\n${res.stderr.slice(-4000)}\nbuildkitd:\n${node.daemon.tail()}`);
  assert.match(res.stderr, /pushing manifest for 127\.0\.0\.1:\d+\/app-auths:1/);
  assert.equal(await manifestStatus("app-auths", "1"), 401, "the registry must refuse an anonymous client");
  assert.equal(await manifestStatus("app-auths", "1", `${USER}:${PASSWORD}`), 200);
});

test("--push with basic auth: a credential helper (credsStore) answers, and only for its registry", async () => {
  const bin = join(suite.dir, "helper-bin");
  mkdirSync(bin);
  const asked = join(suite.dir, "helper-asked");
  const helper = join(bin, "docker-credential-test");
  // The protocol of docker-credential-helpers: the server on stdin, JSON on stdout, "not found" for others.
  writeFileSync(
    helper,
    [
      "#!/bin/sh",
      `[ "$1" = get ] || exit 2`,
      "read -r server",
      `printf '%s\\n' "$server" >> ${JSON.stringify(asked)}`,
      `if [ "$server" = ${JSON.stringify(registry.host)} ]; then`,
      `  printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\\n' "$server" ${JSON.stringify(USER)} ${JSON.stringify(PASSWORD)}`,
      "else",
      "  echo 'credentials not found in native keychain'",
      "  exit 1",
      "fi",
      "",
    ].join("\n"),
  );
  chmodSync(helper, 0o755);
  const config = dockerConfig("config-helper", { credsStore: "test" });
  const res = await push("app-helper", { ...process.env, DOCKER_CONFIG: config, PATH: `${bin}:${process.env["PATH"] ?? ""}` });
  assert.equal(res.code, 0, `slimgo build failed:\n${res.stderr.slice(-4000)}\nbuildkitd:\n${node.daemon.tail()}`);
  assert.match(res.stderr, /pushing manifest for 127\.0\.0\.1:\d+\/app-helper:1/);
  assert.ok(readFileSync(asked, "utf8").split("\n").includes(registry.host), "the helper was never asked for the push registry");
  assert.equal(await manifestStatus("app-helper", "1", `${USER}:${PASSWORD}`), 200);
});

test("--push with a wrong password fails with one line naming the refusal, and pushes nothing", async () => {
  const auth = Buffer.from(`${USER}:wrong`).toString("base64");
  const config = dockerConfig("config-wrong", { auths: { [`https://${registry.host}`]: { auth } } });
  const res = await push("app-wrong", { ...process.env, DOCKER_CONFIG: config });
  assert.equal(res.code, 1, res.stderr);
  const last = res.stderr.trim().split("\n").pop() ?? "";
  assert.match(last, /^slimgo: .*(401 Unauthorized|unauthorized|authorization failed)/i, res.stderr.slice(-2000));
  assert.doesNotMatch(res.stderr, /^\s+at /m, "no stack trace");
  assert.equal(await manifestStatus("app-wrong", "1", `${USER}:${PASSWORD}`), 404);
});
