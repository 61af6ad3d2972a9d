import { test } from "node:test";
import assert from "node:assert/strict";
import { cacheRef, jobOptions, withoutTag } from "../../src/serve/run-job.js";
import { lendTenantSecrets, remoteOptions, repositorySlug, withCommit } from "../../src/serve/remote-options.js";

const node = { name: "n1", addr: "unix:///x.sock", platforms: ["linux/arm64"], maxBuilds: 1 };

test("registry cache: one ref per repository and platform, imported and exported (mode=max)", () => {
  const options = remoteOptions(["--platform", "linux/amd64,linux/arm64"], "/work/b/context");
  const o = jobOptions({ options, platform: "linux/arm64", tenant: "team-a", repository: "example.com/Hello", cacheRegistry: "127.0.0.1:5000/cache", pushByDigest: false, dockerConfigDir: "/nonexistent" }, node);
  assert.deepEqual(o.platforms, ["linux/arm64"]);
  assert.deepEqual(o.cacheFrom, [{ type: "registry", attrs: { ref: "127.0.0.1:5000/cache/example.com-hello:linux-arm64", "registry.insecure": "true" } }]);
  assert.deepEqual(o.cacheTo, [{ type: "registry", attrs: { ref: "127.0.0.1:5000/cache/example.com-hello:linux-arm64", mode: "max", "registry.insecure": "true" } }]);
  assert.equal(cacheRef("reg.example/c", "example.com/hello", "linux/arm/v7"), "reg.example/c/example.com-hello:linux-arm-v7");
  const own = jobOptions({ options: remoteOptions([], "/c"), platform: "", tenant: "t", repository: "r", cacheRegistry: "reg.example/c", pushByDigest: false, dockerConfigDir: "/x" }, node);
  assert.deepEqual(own.cacheTo[0]?.attrs, { ref: "reg.example/c/r:linux-arm64", mode: "max" }, "no --platform: the node's own");
});

test("one platform of a multi-platform push goes by digest, untagged", () => {
  const options = remoteOptions(["--platform", "linux/amd64,linux/arm64", "-t", "127.0.0.1:5000/team/app:1", "--push"], "/c");
  const o = jobOptions({ options, platform: "linux/amd64", tenant: "t", repository: "r", pushByDigest: true, dockerConfigDir: "/x" }, node);
  assert.deepEqual(o.outputs, [{ type: "image", attrs: { name: "127.0.0.1:5000/team/app", push: "true", "push-by-digest": "true" } }]);
  assert.deepEqual(o.tags, []);
  assert.equal(o.push, false);
  assert.equal(withoutTag("127.0.0.1:5000/app"), "127.0.0.1:5000/app");
  assert.equal(withoutTag("app:1@sha256:ab"), "app");
});

test("repository slugs are registry path components", () => {
  assert.equal(repositorySlug("github.com/Org/Repo"), "github.com-org-repo");
  assert.equal(repositorySlug("..//"), "upload");
});

test("a git source's commit and time become COMMIT and SOURCE_DATE_EPOCH, unless the user set them", () => {
  const commit = "c".repeat(40);
  const fetched = { gitCommit: commit, gitTime: 1700000000 };
  assert.deepEqual(withCommit(remoteOptions(["--build-arg", "VERSION=1"], "/c"), fetched).buildArgs, [
    ["VERSION", "1"],
    ["COMMIT", commit],
    ["SOURCE_DATE_EPOCH", "1700000000"],
  ]);
  assert.deepEqual(withCommit(remoteOptions(["--build-arg", "SOURCE_DATE_EPOCH=0", "--build-arg", "COMMIT=mine"], "/c"), fetched).buildArgs, [
    ["SOURCE_DATE_EPOCH", "0"],
    ["COMMIT", "mine"],
  ]);
  const upload = remoteOptions([], "/c");
  assert.equal(withCommit(upload, { gitCommit: "" }), upload);
});

test("--secret and --ssh on the service: the tenant's own, by id, never a path or variable the client names", () => {
  const tenant = { name: "team-a", secrets: new Map([["netrc", "/etc/slimgo/a/netrc"]]), ssh: new Map([["default", "/run/a-agent.sock"]]) };
  const lent = lendTenantSecrets(remoteOptions(["--secret", "id=netrc", "--ssh", "default"], "/c"), tenant);
  assert.deepEqual([...lent.secrets], [["netrc", { file: "/etc/slimgo/a/netrc" }]]);
  assert.deepEqual([...lent.ssh], [["default", ["/run/a-agent.sock"]]]);
  assert.deepEqual([...lendTenantSecrets(remoteOptions([], "/c"), tenant).secrets], [], "nothing is lent unasked");
  assert.throws(() => lendTenantSecrets(remoteOptions(["--secret", "id=HOME"], "/c"), tenant), /--secret id=HOME: tenant team-a has no secret HOME: the service's operator lends one in serve\.yaml/);
  assert.throws(() => lendTenantSecrets(remoteOptions(["--ssh", "deploy"], "/c"), tenant), /--ssh deploy: tenant team-a has no SSH agent deploy/);
  assert.throws(() => remoteOptions(["--secret", "id=netrc,src=/etc/shadow"], "/c"), /--secret id=netrc,src=… does not apply to a build on the service: the service lends the tenant's own secret of that id .*write --secret id=netrc/);
  assert.throws(() => remoteOptions(["--secret", "id=netrc,env=AWS_SECRET_ACCESS_KEY"], "/c"), /--secret id=netrc,env=… does not apply/);
  assert.throws(() => remoteOptions(["--ssh", "default=/tmp/agent.sock"], "/c"), /--ssh default=… does not apply to a build on the service: .*write --ssh default/);
});
