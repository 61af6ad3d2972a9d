/** Registry credentials from a docker config: auths entries, identity tokens, credential helpers, unknown hosts. */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before, test } from "node:test";
import { credentialsFor } from "../../src/session/auth.js";

let dir: string;
let savedPath: string | undefined;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "slimgo-auth-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  // A helper that knows one server and logs what it was asked.
  writeFileSync(
    join(bin, "docker-credential-test"),
    `#!/bin/sh
read server
echo "$server" >> "${join(dir, "asked")}"
case "$server" in
  helped.example:5000) echo '{"ServerURL":"helped.example:5000","Username":"bob","Secret":"hunter2"}' ;;
  tokened.example) echo '{"ServerURL":"tokened.example","Username":"<token>","Secret":"tok"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`,
  );
  chmodSync(join(bin, "docker-credential-test"), 0o755);
  savedPath = process.env["PATH"];
  process.env["PATH"] = `${bin}${delimiter}${savedPath ?? ""}`;
});

after(() => {
  process.env["PATH"] = savedPath;
  rmSync(dir, { recursive: true, force: true });
});

function config(name: string, body: object): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, "config.json"), JSON.stringify(body));
  return d;
}

test("auths: base64 auth, username/password, identity token, Docker Hub's key", async () => {
  const d = config("auths", {
    auths: {
      "127.0.0.1:5000": { auth: Buffer.from("alice:s3cret:with:colons").toString("base64") },
      "https://plain.example/v2/": { username: "carol", password: "pw" },
      "id.example": { identitytoken: "idtok" },
      "https://index.docker.io/v1/": { auth: Buffer.from("hubuser:hubpw").toString("base64") },
    },
  });
  assert.deepEqual(await credentialsFor("127.0.0.1:5000", d), { username: "alice", secret: "s3cret:with:colons" });
  assert.deepEqual(await credentialsFor("plain.example", d), { username: "carol", secret: "pw" });
  assert.deepEqual(await credentialsFor("id.example", d), { username: "", secret: "idtok" });
  assert.deepEqual(await credentialsFor("registry-1.docker.io", d), { username: "hubuser", secret: "hubpw" });
  assert.deepEqual(await credentialsFor("unknown.example", d), { username: "", secret: "" });
});

test("credential helpers: per host, then the default store, falling back to auths", async () => {
  const d = config("helpers", {
    credHelpers: { "helped.example:5000": "test" },
    credsStore: "test",
    auths: { "fallback.example": { username: "dave", password: "pw2" } },
  });
  assert.deepEqual(await credentialsFor("helped.example:5000", d), { username: "bob", secret: "hunter2" });
  assert.deepEqual(await credentialsFor("tokened.example", d), { username: "", secret: "tok" });
  assert.deepEqual(await credentialsFor("fallback.example", d), { username: "dave", secret: "pw2" });
  assert.deepEqual(await credentialsFor("nothing.example", d), { username: "", secret: "" });
});

test("a missing config means no credentials; a broken one or a missing helper is a clear error", async () => {
  assert.deepEqual(await credentialsFor("x.example", join(dir, "absent")), { username: "", secret: "" });
  const broken = join(dir, "broken");
  mkdirSync(broken);
  writeFileSync(join(broken, "config.json"), "{ not json");
  await assert.rejects(credentialsFor("x.example", broken), /config\.json is not valid JSON .*fix it/);
  const d = config("nohelper", { credsStore: "absent-helper" });
  await assert.rejects(credentialsFor("x.example", d), /docker-credential-absent-helper is not on PATH/);
});
