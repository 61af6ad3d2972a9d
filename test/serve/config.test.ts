import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ServeConfigError, loadServeConfig, parseServeConfig } from "../../src/serve/config.js";

const TOKEN_HASH = "a".repeat(64);
const GOOD = `listen: 127.0.0.1:7700
state: state.db
workdir: /var/lib/slimgo/work
metrics: 127.0.0.1:7701
tenants:
  - {name: team-a, tokenSha256: ${TOKEN_HASH}, maxRunning: 2}
  - {name: team-b, certNames: [ci.team-b.example], secrets: {netrc: team-b/netrc, ca-certs: /etc/ssl/corp.pem}, ssh: {default: /run/team-b-agent.sock}}
nodes:
  - {name: n1, addr: "unix:///run/buildkit/buildkitd.sock", platforms: [linux/amd64], maxBuilds: 2}
  - {name: n2, addr: "tcp://10.0.0.2:1234", tls: {ca: ca.pem, cert: c.pem, key: k.pem}, platforms: [linux/arm64]}
cache: {registry: registry.example/slimgo-cache}
limits: {contextBytes: 500MB, contextFiles: 200000, buildTimeout: 30m}
`;

test("the issue's example config reads as written, paths resolved against the file", () => {
  const c = parseServeConfig(GOOD, "/etc/slimgo/serve.yaml");
  assert.equal(c.listen, "127.0.0.1:7700");
  assert.equal(c.state, "/etc/slimgo/state.db");
  assert.equal(c.workdir, "/var/lib/slimgo/work");
  assert.equal(c.metrics, "127.0.0.1:7701");
  assert.deepEqual(c.tenants, [
    { name: "team-a", tokenSha256: [TOKEN_HASH], certNames: [], maxRunning: 2, secrets: new Map(), ssh: new Map() },
    {
      name: "team-b",
      tokenSha256: [],
      certNames: ["ci.team-b.example"],
      maxRunning: 2,
      secrets: new Map([
        ["netrc", "/etc/slimgo/team-b/netrc"],
        ["ca-certs", "/etc/ssl/corp.pem"],
      ]),
      ssh: new Map([["default", "/run/team-b-agent.sock"]]),
    },
  ]);
  assert.deepEqual(c.nodes[1], { name: "n2", addr: "tcp://10.0.0.2:1234", tls: { ca: "/etc/slimgo/ca.pem", cert: "/etc/slimgo/c.pem", key: "/etc/slimgo/k.pem" }, platforms: ["linux/arm64"], maxBuilds: 2 });
  assert.deepEqual(c.cache, { registry: "registry.example/slimgo-cache" });
  assert.deepEqual(c.limits, { contextBytes: 500e6, contextFiles: 200000, buildTimeoutMs: 1_800_000, eventsPerBuild: 20000, queuedPerTenant: 200 });
});

function problems(text: string): string[] {
  try {
    parseServeConfig(text, "serve.yaml");
  } catch (err) {
    assert.ok(err instanceof ServeConfigError);
    return [...err.problems];
  }
  assert.fail("the config was accepted");
}

const bad: ReadonlyArray<readonly [string, string, RegExp]> = [
  ["an unknown key", GOOD.replace("listen:", "listn:"), /^serve\.yaml:1:1: unknown key "listn" in the top level \(use one of listen, /],
  ["a bad token hash", GOOD.replace(TOKEN_HASH, "abc"), /^serve\.yaml:6:33: tokenSha256 "abc" is not 64 lower-case hex digits \(write the output of: printf %s TOKEN \| sha256sum\)$/],
  ["a bad size", GOOD.replace("500MB", "lots"), /^serve\.yaml:12:24: limits\.contextBytes "lots" is not a size \(write e\.g\. 500MB/],
  ["a bad duration", GOOD.replace("30m", "soon"), /^serve\.yaml:12:67: limits\.buildTimeout "soon" is not a duration/],
  ["a bad address", GOOD.replace("tcp://10.0.0.2:1234", "10.0.0.2"), /^serve\.yaml:10:22: addr "10\.0\.0\.2" is not a BuildKit address \(write unix:/],
  ["a bad platform", GOOD.replace("[linux/arm64]", "[arm64]"), /^serve\.yaml:10:101: platform "arm64" is not os\/arch/],
  ["no nodes", GOOD.replace(/^nodes:[\s\S]*?(?=cache:)/m, ""), /^serve\.yaml:1:1: no nodes \(add nodes:/],
  ["a tenant named twice", GOOD.replace("name: team-b", "name: team-a"), /^serve\.yaml:7:12: tenant team-a is named twice/],
  ["a YAML syntax error", "listen: [\n", /^serve\.yaml:\d+:\d+: .* \(fix the YAML syntax\)$/],
  ["not a mapping", "- a\n", /^serve\.yaml:1:1: the config is not a mapping/],
  ["a bad listen", GOOD.replace("127.0.0.1:7700", "localhost"), /^serve\.yaml:1:9: listen "localhost" is not host:port/],
  ["a bad secret id", GOOD.replace("{netrc: team-b/netrc", "{'net rc': team-b/netrc"), /^serve\.yaml:7:62: secrets id "net rc" has characters other than letters, digits, "\.", "_" and "-" \(name it as the build's flag does, like netrc\)$/],
  ["a secret with no path", GOOD.replace("ssh: {default: /run/team-b-agent.sock}", "ssh: [a]"), /^serve\.yaml:7:\d+: ssh is not a mapping \(write ssh: \{default: /],
  ["a zero maxRunning", GOOD.replace("maxRunning: 2", "maxRunning: 0"), /^serve\.yaml:6:111: maxRunning is not a whole number of 1 or more/],
  ["a tenant with no way in", GOOD.replace(`, tokenSha256: ${TOKEN_HASH}`, ""), /^serve\.yaml:6:5: tenant team-a has no way in \(add tokenSha256 or certNames\)/],
];

for (const [what, text, message] of bad) {
  test(`config error, located and one line each: ${what}`, () => {
    const found = problems(text);
    assert.ok(found.some((p) => message.test(p)), found.join("\n"));
    for (const p of found) assert.ok(!p.includes("\n"));
  });
}

test("a missing file is one line naming it", () => {
  assert.throws(() => loadServeConfig("/nonexistent/serve.yaml"), /^ServeConfigError: \/nonexistent\/serve\.yaml: cannot read it \(ENOENT\)/);
});

test("loadServeConfig reads a file", () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-serve-config-"));
  try {
    writeFileSync(join(dir, "serve.yaml"), GOOD);
    assert.equal(loadServeConfig(join(dir, "serve.yaml")).state, join(dir, "state.db"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
