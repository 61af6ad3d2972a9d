import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FlagError, checkPaths, checkStdio, csvFields, parseBuildFlags, parseCache, parseOutput } from "../../src/cli/build-flags.js";

test("defaults: the context is ., the spec DIR/slimgo.yaml, progress auto, a plain build", () => {
  const { options, connection } = parseBuildFlags([]);
  assert.equal(options.contextDir, ".");
  assert.equal(options.specFile, "slimgo.yaml");
  assert.equal(options.progress, "auto");
  assert.equal(options.call, "build");
  assert.deepEqual(options.outputs, []);
  assert.deepEqual(connection, { tls: {} });
  assert.equal(parseBuildFlags(["app"]).options.specFile, "app/slimgo.yaml");
});

test("buildx's names and shorthands: -f -t -o, repeatable --build-arg, --platform lists", () => {
  const { options } = parseBuildFlags([
    "-f", "deploy/slimgo.yaml", "-t", "app:1", "--tag=reg.example/app:1", "-o", "out",
    "--build-arg", "VERSION=1.2=3", "--label", "team=core", "--platform", "linux/amd64,linux/arm64", "--platform", "linux/arm/v7",
    "--target", "api", "--no-cache", "--pull", "--network", "host", "--allow", "security.insecure", "--metadata-file", "m.json", "src",
  ]);
  assert.equal(options.specFile, "deploy/slimgo.yaml");
  assert.equal(options.contextDir, "src");
  assert.deepEqual(options.tags, ["app:1", "reg.example/app:1"]);
  assert.deepEqual(options.outputs, [{ type: "local", attrs: { dest: "out" } }]);
  assert.deepEqual(options.buildArgs, [["VERSION", "1.2=3"]]);
  assert.deepEqual(options.labels, [["team", "core"]]);
  assert.deepEqual(options.platforms, ["linux/amd64", "linux/arm64", "linux/arm/v7"]);
  assert.equal(options.target, "api");
  assert.equal(options.noCache, true);
  assert.equal(options.pull, true);
  assert.equal(options.network, "host");
  assert.deepEqual(options.allow, ["security.insecure"]);
  assert.equal(options.metadataFile, "m.json");
});

test("a build arg without = takes the environment's value, as buildx does; unset is an error naming the flag", () => {
  assert.deepEqual(parseBuildFlags(["--build-arg", "GOPROXY"], { GOPROXY: "http://127.0.0.1:3000" }).options.buildArgs, [["GOPROXY", "http://127.0.0.1:3000"]]);
  assert.throws(() => parseBuildFlags(["--build-arg", "NOPE"], {}), (e: Error) => e instanceof FlagError && /--build-arg NOPE: write NAME=value/.test(e.message));
});

test("outputs: shorthand dir, CSV with quotes, registry means image with push", () => {
  assert.deepEqual(parseOutput("type=tar,dest=out.tar"), { type: "tar", attrs: { dest: "out.tar" } });
  assert.deepEqual(parseOutput("type=registry,name=r/a"), { type: "image", attrs: { name: "r/a", push: "true" } });
  assert.deepEqual(parseOutput('type=image,"name=a,b"'), { type: "image", attrs: { name: "a,b" } });
  assert.deepEqual(csvFields('a=1, "b=2,3" ,"c=say ""hi"""'), ["a=1", "b=2,3", 'c=say "hi"']);
  assert.throws(() => parseOutput("type=local"), /type=local needs dest=PATH/);
  assert.throws(() => parseOutput("type=zip,dest=x"), /unknown type "zip"/);
  // buildx: -o - is a tar on stdout; dest=- is stdout for the archive types, never for a directory.
  assert.deepEqual(parseOutput("-"), { type: "tar", attrs: { dest: "-" } });
  assert.deepEqual(parseOutput("type=oci,dest=-"), { type: "oci", attrs: { dest: "-" } });
  assert.throws(() => parseOutput("type=local,dest=-"), /type=local,dest=-: a local output is a directory: use type=tar,dest=- \(or -o -\)/);
});

test("stdout: one output at most, and never onto a terminal", () => {
  const o = (...args: string[]) => parseBuildFlags(args).options;
  checkStdio(o("-o", "-"), false);
  checkStdio(o("-o", "out"), true);
  assert.throws(() => checkStdio(o("-o", "-"), true), /^FlagError: slimgo build: -o -: stdout is a terminal, refusing to write an archive to it: redirect it/);
  assert.throws(() => checkStdio(o("-o", "type=docker,dest=-"), true), /-o type=docker,dest=-: stdout is a terminal/);
  assert.throws(() => checkStdio(o("-o", "-", "-o", "type=oci,dest=-"), false), /only one output can go to stdout/);
});

test("-f - reads the spec from stdin; the context stays DIR and the spec file need not exist", () => {
  const { options } = parseBuildFlags(["-f", "-", "app"]);
  assert.equal(options.specFile, "-");
  assert.equal(options.contextDir, "app");
  const dir = mkdtempSync(join(tmpdir(), "slimgo-flags-"));
  try {
    checkPaths(parseBuildFlags(["-f", "-"]).options, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("attestations: --sbom and --provenance are --attest type=…, as buildx reads them", () => {
  const attests = (...args: string[]) => Object.fromEntries(parseBuildFlags(args).options.attests);
  assert.deepEqual(attests(), {});
  assert.deepEqual(attests("--sbom=true", "--provenance=mode=max"), { sbom: "", provenance: "mode=max" });
  assert.deepEqual(attests("--sbom", "1", "--provenance", "false"), { sbom: "", provenance: null });
  assert.deepEqual(attests("--sbom=generator=docker/scout-sbom-indexer:1"), { sbom: "generator=docker/scout-sbom-indexer:1" });
  assert.deepEqual(attests("--attest", "type=provenance,mode=max,builder-id=https://ci.example/1", "--attest", "type=sbom,disabled=true"), {
    provenance: "mode=max,builder-id=https://ci.example/1",
    sbom: null,
  });
  assert.deepEqual(attests("--attest", 'type=sbom,"param=a,b"'), { sbom: '"param=a,b"' });
  assert.deepEqual(attests("--attest", "type=provenance,disabled=false,mode=min"), { provenance: "mode=min" });
  assert.throws(() => attests("--attest", "mode=max"), /--attest mode=max: name a type: type=sbom or type=provenance/);
  assert.throws(() => attests("--attest", "type=vex"), /unknown type "vex": use sbom or provenance/);
  assert.throws(() => attests("--attest", "type=sbom,generator"), /"generator" is not KEY=VALUE/);
  assert.throws(() => attests("--provenance=true", "--attest", "type=provenance,mode=max"), /a provenance attestation is asked for twice/);
});

test("caches: a bare ref is a registry; a local cache names its directory", () => {
  assert.deepEqual(parseCache("--cache-from", "reg/app:cache"), { type: "registry", attrs: { ref: "reg/app:cache" } });
  assert.deepEqual(parseCache("--cache-to", "type=registry,ref=r/c,mode=max"), { type: "registry", attrs: { ref: "r/c", mode: "max" } });
  assert.deepEqual(parseCache("--cache-to", "type=local,dest=c,mode=max,compression=zstd"), { type: "local", attrs: { dest: "c", mode: "max", compression: "zstd" } });
  assert.deepEqual(parseCache("--cache-from", "type=local,src=c,tag=v1"), { type: "local", attrs: { src: "c", tag: "v1" } });
  assert.throws(() => parseCache("--cache-to", "type=local,src=c"), /--cache-to type=local,src=c: type=local needs dest=DIR/);
  assert.throws(() => parseCache("--cache-from", "type=local,dest=c"), /--cache-from type=local,dest=c: type=local needs src=DIR/);
  assert.throws(() => parseCache("--cache-to", "type=local,dest=c,mode=all"), /mode must be min or max/);
  assert.throws(() => parseCache("--cache-from", "type=registry"), /needs ref=/);
});

test("secrets and ssh: buildx's forms", () => {
  const { options } = parseBuildFlags(["--secret", "id=npm,src=.npmrc", "--secret", "id=tok,env=TOKEN", "--secret", "id=X", "--ssh", "default", "--ssh", "gh=/a,/b"]);
  assert.deepEqual([...options.secrets], [["npm", { file: ".npmrc" }], ["tok", { env: "TOKEN" }], ["X", { env: "X" }]]);
  assert.deepEqual([...options.ssh], [["default", []], ["gh", ["/a", "/b"]]]);
  assert.throws(() => parseBuildFlags(["--secret", "src=x"]), /--secret src=x: name it with id=ID/);
});

test("--call, --check and --progress are checked; BUILDKIT_PROGRESS is the default", () => {
  assert.equal(parseBuildFlags(["--call", "targets"]).options.call, "targets");
  assert.equal(parseBuildFlags(["--check"]).options.call, "check");
  assert.equal(parseBuildFlags([], { BUILDKIT_PROGRESS: "plain" }).options.progress, "plain");
  assert.throws(() => parseBuildFlags(["--call", "lint"]), /--call lint: slimgo answers build, check, targets, outline and size/);
  assert.throws(() => parseBuildFlags(["--progress", "fancy"]), /--progress fancy: use auto/);
  assert.throws(() => parseBuildFlags(["--network", "bridge"]), /--network bridge: use default, host or none/);
  assert.throws(() => parseBuildFlags(["--bogus"]), (e: Error) => e instanceof FlagError && /Unknown option '--bogus'/.test(e.message));
  assert.throws(() => parseBuildFlags(["a", "b"]), /one context directory at most/);
});

test("connection flags are kept for the address choice", () => {
  const { connection } = parseBuildFlags(["--addr", "tcp://10.0.0.5:1234", "--tlscacert", "ca.pem", "--tlscert", "c.pem", "--tlskey", "c.key"]);
  assert.deepEqual(connection, { addr: "tcp://10.0.0.5:1234", tls: { ca: "ca.pem", cert: "c.pem", key: "c.key" } });
});

test("paths: missing context, spec, secret file and build context are one line each", () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-flags-"));
  try {
    mkdirSync(join(dir, "lib"));
    writeFileSync(join(dir, "slimgo.yaml"), "main: .\n");
    const at = (args: string[]) => checkPaths(parseBuildFlags(args).options, dir);
    at(["--build-context", "lib=lib", "--build-context", "img=docker-image://alpine"]);
    assert.throws(() => at(["nope"]), /context nope: no such directory/);
    assert.throws(() => at(["-f", "other.yaml"]), /other.yaml: no such file: write one with `slimgo init`/);
    assert.throws(() => at(["--secret", "id=tok,src=missing.txt"]), /--secret id=tok: file missing.txt does not exist/);
    assert.throws(() => at(["--build-context", "x=gone"]), /--build-context x=gone: no such directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
