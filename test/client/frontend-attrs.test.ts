import assert from "node:assert/strict";
import { test } from "node:test";
import { buildInputs, defaultAttests, entitlements, launchEnv } from "../../src/client/frontend-attrs.js";
import { parseBuildFlags } from "../../src/cli/build-flags.js";
import { buildArgs, cacheImports, localNamedContexts, networkMode, optionLabels, sbomRequest } from "../../src/gateway/options.js";

const inputs = (args: string[]) => buildInputs(parseBuildFlags(args).options, "/work/p");

test("frontend options as buildx sends them, read back by the frontend's own option readers", () => {
  const { attrs, dirs } = inputs([
    "-f", "deploy/app.yaml", "--target", "api", "--platform", "linux/amd64,linux/arm64", "--build-arg", "VERSION=1.2",
    "--label", "team=core", "--build-context", "greet=../greet", "--build-context", "base=docker-image://alpine:3",
    "--no-cache", "--pull", "--network", "host", "--cache-from", "reg/app:cache", ".",
  ]);
  assert.deepEqual(Object.fromEntries(attrs), {
    filename: "app.yaml",
    target: "api",
    platform: "linux/amd64,linux/arm64",
    "multi-platform": "true",
    "build-arg:VERSION": "1.2",
    "label:team": "core",
    "context:base": "docker-image://alpine:3",
    "context:greet": "local:greet",
    "no-cache": "",
    "image-resolve-mode": "pull",
    "force-network-mode": "host",
    "cache-imports": '[{"Type":"registry","Attrs":{"ref":"reg/app:cache"}}]',
  });
  assert.deepEqual(Object.fromEntries(dirs), { context: { dir: "/work/p" }, dockerfile: { dir: "/work/p/deploy" }, greet: { dir: "/work/greet" } });
  // The frontend reads them exactly as it reads BuildKit's launch environment.
  const env = launchEnv(attrs, "sess-1", [{ platforms: [{ os: "linux", architecture: "amd64" }] }]);
  assert.equal(env.sessionId, "sess-1");
  assert.equal(env.product, "buildkit");
  assert.deepEqual(buildArgs(env.opts), { VERSION: "1.2" });
  assert.deepEqual(optionLabels(env.opts), [["team", "core"]]);
  assert.deepEqual(localNamedContexts(env.opts), ["greet"]);
  assert.equal(networkMode(env.opts), "host");
  assert.deepEqual(cacheImports(env.opts), [{ type: "registry", attrs: { ref: "reg/app:cache" } }]);
});

test("a plain build sends only the filename; --call sends the subrequest id", () => {
  assert.deepEqual(Object.fromEntries(inputs([]).attrs), { filename: "slimgo.yaml" });
  assert.equal(inputs(["--call", "check"]).attrs.get("requestid"), "frontend.lint");
  assert.equal(inputs(["--call", "targets"]).attrs.get("requestid"), "frontend.targets");
  assert.equal(inputs(["--call", "outline"]).attrs.get("requestid"), "frontend.outline");
  assert.equal(inputs(["--call", "size"]).attrs.get("requestid"), "frontend.size");
  assert.equal(inputs(["--network", "default"]).attrs.has("force-network-mode"), false);
  assert.equal(inputs(["--platform", "linux/arm64"]).attrs.has("multi-platform"), false);
});

test("entitlements: --allow, and network.host for --network=host", () => {
  assert.deepEqual(entitlements(parseBuildFlags(["--network", "host"]).options), ["network.host"]);
  assert.deepEqual(entitlements(parseBuildFlags(["--allow", "security.insecure,network.host", "--network", "host"]).options), ["network.host", "security.insecure"]);
  assert.deepEqual(entitlements(parseBuildFlags([]).options), []);
});

test("attestations become attest:TYPE options the frontend reads; a disabled one sends nothing", () => {
  assert.deepEqual(Object.fromEntries(inputs(["--sbom=true", "--provenance=mode=max"]).attrs), { filename: "slimgo.yaml", "attest:sbom": "", "attest:provenance": "mode=max" });
  assert.equal(sbomRequest(inputs(["--sbom=true"]).attrs), "slimgo");
  assert.equal(sbomRequest(inputs(["--sbom=generator=scanner:1"]).attrs), "generator");
  assert.equal(sbomRequest(inputs(["--sbom=false"]).attrs), "none");
  assert.equal(inputs(["--attest", "type=provenance,disabled=true"]).attrs.has("attest:provenance"), false);
});

test("buildx's default provenance: minimal and inline-only, unless a provenance flag or BUILDX_NO_DEFAULT_ATTESTATIONS says otherwise", () => {
  const defaults = (args: string[], env: Record<string, string> = {}) => Object.fromEntries(defaultAttests(parseBuildFlags(args).options, env));
  assert.deepEqual(defaults([]), { "attest:provenance": "mode=min,inline-only=true" });
  assert.deepEqual(defaults(["--sbom=true"]), { "attest:provenance": "mode=min,inline-only=true" });
  assert.deepEqual(defaults(["--provenance=false"]), {});
  assert.deepEqual(defaults(["--provenance=mode=max"]), {});
  assert.deepEqual(defaults([], { BUILDX_NO_DEFAULT_ATTESTATIONS: "1" }), {});
  assert.deepEqual(defaults([], { BUILDX_NO_DEFAULT_ATTESTATIONS: "false" }), { "attest:provenance": "mode=min,inline-only=true" });
  assert.deepEqual(defaults(["--call", "check"]), {});
});
