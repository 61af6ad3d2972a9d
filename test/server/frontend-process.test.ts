/**
 * The real frontend process, driven through its stdin/stdout by a fake
 * BuildKit gateway: the whole sequence from Ping to Return, as buildkitd
 * runs it, without an engine.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { before, test } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import { OpSchema } from "../../src/gen/pb/ops_pb.js";
import { FakeStatus } from "../support/fake-gateway.js";
import { type Outcome, type Overrides, recordLdflags, binaries, binaryFor, buildTestBinaries, enc, runFrontend } from "../support/frontend-process.js";

const FIXTURE = resolve("test/fixtures/projects/plain");

before(buildTestBinaries);

test("a two-line spec comes back as one image with its config, and stdout carries only HTTP/2", async () => {
  const out = await runFrontend({
    spec: "# syntax=slimgo:dev\nmain: ./cmd/plain\n",
    goMod: readFileSync(`${FIXTURE}/go.mod`, "utf8"),
  });
  assert.equal(out.exitCode, 0);
  assert.equal(out.stdoutHead, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  assert.equal(out.returned.error, undefined);
  const result = out.returned.result;
  assert.equal(result?.result.case, "ref");
  const config = JSON.parse(new TextDecoder().decode(result?.metadata["containerimage.config"]));
  assert.deepEqual(config.config.Entrypoint, ["/usr/local/bin/plain"]);
  assert.equal(config.config.User, "65532:65532");
  assert.equal(config.architecture, "amd64");
  // spec read, context read, the context for the Go headers, then the image graph
  assert.deepEqual(out.solved.map((s) => s.ops).slice(0, 3), [2, 2, 2]);
  assert.ok((out.solved[3]?.ops ?? 0) > 5, "the image graph is too small to hold download, build and base");
});

test("a misspelt field returns InvalidArgument framed on the spec line", async () => {
  const spec = "# syntax=slimgo:dev\nmian: ./cmd/plain\n";
  const out = await runFrontend({ spec, goMod: "module example.com/x\n\ngo 1.24\n" });
  assert.equal(out.exitCode, 0);
  const err = out.returned.error;
  assert.equal(err?.code, 3);
  assert.match(err?.message ?? "", /^slimgo\.yaml:2:1: unknown field "mian" \(did you mean "main"\?\)/);
  const detail = err?.details[0];
  assert.equal(detail?.typeUrl, "github.com/moby/buildkit/errdefs.Source+json");
  const source = JSON.parse(new TextDecoder().decode(detail?.value));
  assert.equal(source.info.filename, "slimgo.yaml");
  assert.equal(Buffer.from(source.info.data, "base64").toString(), spec);
  assert.equal(source.ranges[0].start.line, 2);
  assert.equal(source.ranges[0].end.line, 2);
});

test("multi-platform returns one ref and one config per platform", async () => {
  const out = await runFrontend({
    spec: "# syntax=slimgo:dev\nmain: ./cmd/plain\n",
    goMod: readFileSync(`${FIXTURE}/go.mod`, "utf8"),
    opts: { platform: "linux/amd64,linux/arm64" },
  });
  const result = out.returned.result;
  assert.equal(result?.result.case, "refs");
  assert.deepEqual(Object.keys(result?.result.case === "refs" ? result.result.value.refs : {}).sort(), ["linux/amd64", "linux/arm64"]);
  const platforms = JSON.parse(new TextDecoder().decode(result?.metadata["refs.platforms"]));
  assert.deepEqual(platforms, {
    Platforms: [
      { ID: "linux/amd64", Platform: { architecture: "amd64", os: "linux" } },
      { ID: "linux/arm64", Platform: { architecture: "arm64", os: "linux" } },
    ],
  });
  const arm = JSON.parse(new TextDecoder().decode(result?.metadata["containerimage.config/linux/arm64"]));
  assert.equal(arm.architecture, "arm64");
});

test("cgo code in the module with cgo off fails on the spec's cgo line", async () => {
  const spec = "# syntax=slimgo:dev\nmain: ./cmd/plain\ncgo: false\n";
  const out = await runFrontend({ spec, goMod: readFileSync(`${FIXTURE}/go.mod`, "utf8"), goList: "cgo example.com/plain/internal/sqlite\nstd net\n" });
  const err = out.returned.error;
  assert.equal(err?.code, 3);
  assert.equal(
    err?.message,
    'cgo is off, but example.com/plain/internal/sqlite uses cgo (import "C"): set `cgo: true` (the image then ships the C libraries it needs), or remove the C code',
  );
  const source = JSON.parse(new TextDecoder().decode(err?.details[0]?.value));
  assert.equal(source.ranges[0].start.line, 3);
});

test("a binary for the wrong architecture is refused before it becomes an image", async () => {
  // The fake hands back the arm64 binary for the amd64 build: the ELF check must catch it.
  binaries.set("amd64-real", binaries.get("amd64") as Uint8Array);
  binaries.set("amd64", binaries.get("arm64") as Uint8Array);
  try {
    const out = await runFrontend({ spec: "main: ./cmd/plain\n", goMod: readFileSync(`${FIXTURE}/go.mod`, "utf8") });
    assert.equal(out.returned.result, undefined);
    assert.match(out.returned.error?.message ?? "", /^plain for linux\/amd64: binary is for arm64 but the target platform is linux\/amd64/);
  } finally {
    binaries.set("amd64", binaries.get("amd64-real") as Uint8Array);
  }
});

test("a builder image that cannot be resolved is named with the go.mod version that chose it", async () => {
  const out = await runFrontend({ spec: "# syntax=slimgo:dev\n", goMod: "module example.com/x\n\ngo 1.25.0\n" });
  assert.equal(out.returned.error?.code, 3);
  assert.equal(
    out.returned.error?.message,
    "builder image golang:1.25-bookworm is not available (failed to resolve source metadata for docker.io/library/golang:1.25-bookworm: no such host): " +
      "it follows Go 1.25 (from go.mod): set go: to a version whose golang image you have, or builder: to an image",
  );
});

/** Run each case as a subtest, a few processes at a time. */
async function table<C>(t: import("node:test").TestContext, cases: ReadonlyArray<[string, C]>, run: (c: C) => Promise<void>): Promise<void> {
  const queue = [...cases];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [name, c] = next;
      await t.test(name, () => run(c));
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}

const PLAIN = { spec: "# syntax=slimgo:dev\nmain: ./cmd/plain\n", goMod: readFileSync(`${FIXTURE}/go.mod`, "utf8") };

/** The status a run returned, checked for a code and a message. */
function assertError(out: Outcome, code: number, message: RegExp): void {
  assert.equal(out.returned.result, undefined);
  assert.equal(out.returned.error?.code, code, `message: ${out.returned.error?.message}`);
  assert.match(out.returned.error?.message ?? "", message);
  assert.equal(out.exitCode, 0);
}

test("a bad launch environment is returned as InvalidArgument naming the variable, never an exit without Return", async (t) => {
  await table(
    t,
    [
      ["BUILDKIT_WORKERS=[null]", [{ BUILDKIT_WORKERS: "[null]" }, /^slimgo: BUILDKIT_WORKERS has worker 1 null, not an object \(BuildKit sets it/]],
      ["BUILDKIT_WORKERS=null", [{ BUILDKIT_WORKERS: "null" }, /^slimgo: BUILDKIT_WORKERS is null, not a list/]],
      ["BUILDKIT_WORKERS=garbage", [{ BUILDKIT_WORKERS: "{garbage" }, /^slimgo: BUILDKIT_WORKERS is not valid JSON \("\{garbage"\)/]],
      ["platforms: [null]", [{ BUILDKIT_WORKERS: '[{"platforms":[null]}]' }, /^slimgo: BUILDKIT_WORKERS has worker 1 with an unusable platform 1: it is null, not an object/]],
      ["SLIMGO_GATEWAY_TIMEOUT_MS=soon", [{ SLIMGO_GATEWAY_TIMEOUT_MS: "soon" }, /^slimgo: SLIMGO_GATEWAY_TIMEOUT_MS must be a whole number of milliseconds/]],
    ] as const,
    async ([env, message]) => assertError(await runFrontend(PLAIN, { env }), 3, message),
  );
});

test("an unknown SLIMGO_LOG_LEVEL falls back to info and the build goes on", async () => {
  const out = await runFrontend(PLAIN, { env: { SLIMGO_LOG_LEVEL: "loud" } });
  assert.equal(out.returned.error, undefined);
  assert.equal(out.returned.result?.result.case, "ref");
  assert.match(out.stderr, /SLIMGO_LOG_LEVEL \\"loud\\" is not a level/);
});

test("an unanswered Ping fails at the deadline with the call named, and the frontend still returns", async () => {
  const started = performance.now();
  const out = await runFrontend(PLAIN, { env: { SLIMGO_GATEWAY_TIMEOUT_MS: "300" }, overrides: { ping: () => new Promise(() => {}) } });
  assertError(out, 4, /^slimgo: Ping: DEADLINE_EXCEEDED: no answer within 300 ms$/);
  assert.ok(performance.now() - started < 15_000, "the deadline did not end the wait");
});

/** Overrides that serve `bytes` as the built binary `plain`. */
function buildOutput(bytes: Uint8Array, opts: { size?: bigint; extra?: number } = {}): Overrides {
  return {
    statFile: (req, next, kind) => (kind(req.Ref) === "build" && req.Path === "plain" ? { stat: { path: req.Path, size: opts.size ?? BigInt(bytes.length) } } : next(req)),
    readFile: (req, next, kind) => {
      if (kind(req.Ref) !== "build" || req.FilePath !== "plain") return next(req);
      const start = Number(req.Range?.Offset ?? 0n);
      const data = bytes.subarray(start, start + Number(req.Range?.Length ?? BigInt(bytes.length)));
      return { Data: opts.extra ? Buffer.concat([data, new Uint8Array(opts.extra)]) : data };
    },
  };
}

test("a build output that is not a binary fails on the spec line with binary and platform named, not as an internal error", async (t) => {
  await table(
    t,
    [
      ["empty", [new Uint8Array(), /^plain for linux\/amd64: the build output is not a usable binary: not an ELF file: the file is empty$/]],
      ["a script", [enc("#!/bin/sh\necho hello\n"), /^plain for linux\/amd64: the build output is not a usable binary: not an ELF file: first bytes are/]],
      ["truncated", [binaryFor({ goarch: "amd64" }).subarray(0, 100), /^plain for linux\/amd64: the build output is not a usable binary: /]],
    ] as const,
    async ([bytes, message]) => {
      const out = await runFrontend(PLAIN, { overrides: buildOutput(bytes) });
      assertError(out, 3, message);
      const source = JSON.parse(new TextDecoder().decode(out.returned.error?.details[0]?.value));
      assert.equal(source.ranges[0].start.line, 2, "framed on the main line");
    },
  );
});

test("ResolveImageConfig bytes of the wrong shape fail naming the image", async (t) => {
  await table(
    t,
    [
      ["garbage", ["\u0000garbage", "it is not JSON"]],
      ["null", ["null", "it is null, not a JSON object"]],
      ['Env: "x"', ['{"config":{"Env":"x"}}', 'config.Env is "x", not a list of strings']],
      ["Env: [5]", ['{"config":{"Env":[5]}}', "config.Env has item 1 number 5, not a string"]],
    ] as const,
    async ([config, what]) => {
      const out = await runFrontend(PLAIN, { overrides: { resolveImageConfig: (req) => ({ Digest: "", Ref: req.Ref, Config: enc(config) }) } });
      assertError(out, 3, /^slimgo: image docker\.io\/library\/golang:1\.24-bookworm has a config slimgo cannot use: /);
      assert.ok(out.returned.error?.message.includes(what), out.returned.error?.message);
    },
  );
});

test("StatFile sizes of -1, 2^60 and 2^40 and a ReadFile longer than asked end in a typed error, not an allocation", async (t) => {
  const bin = () => binaryFor({ goarch: "amd64" });
  await table(
    t,
    [
      ["size -1", [{ size: -1n }, 13, /^slimgo: BuildKit's StatFile reply for plain gives a size of -1 bytes$/]],
      ["size 2^60", [{ size: 1n << 60n }, 13, /^slimgo: BuildKit's StatFile reply for plain gives a size of 1152921504606846976 bytes$/]],
      ["size 2^40", [{ size: 1n << 40n }, 3, /^plain for linux\/amd64 is 1048576\.0 MiB, more than the 1 GiB slimgo reads back to verify$/]],
      ["ReadFile longer than asked", [{ extra: 16 }, 13, /^slimgo: BuildKit's ReadFile reply for plain holds \d+ bytes where at most \d+ were asked for$/]],
    ] as const,
    async ([opts, code, message]) => assertError(await runFrontend(PLAIN, { overrides: buildOutput(bin(), opts) }), code, message),
  );
});

test("a spec larger than the read limit fails with its name and the limit", async () => {
  const out = await runFrontend({ ...PLAIN, spec: `# syntax=slimgo:dev\nmain: ./cmd/plain\n#${"x".repeat(1 << 20)}\n` });
  assertError(out, 3, /^slimgo: slimgo\.yaml is larger than 1 MiB, the most slimgo reads of it$/);
});

test("healthcheck, stopSignal, labels and --label reach the image config; annotations the exporter's metadata", async () => {
  const spec = [
    "# syntax=slimgo:dev",
    "main: ./cmd/plain",
    "healthcheck: {test: [/usr/local/bin/plain, -health], interval: 30s, timeout: 5s, retries: 3}",
    "stopSignal: SIGINT",
    "labels: {team: core, tier: spec}",
    "annotations: {org.opencontainers.image.source: https://example.com/plain}",
    "",
  ].join("\n");
  const goMod = readFileSync(`${FIXTURE}/go.mod`, "utf8");
  const one = (await runFrontend({ spec, goMod, opts: { "label:tier": "cli", "label:build": "42" } })).returned.result;
  const config = JSON.parse(new TextDecoder().decode(one?.metadata["containerimage.config"])).config;
  assert.deepEqual(config.Healthcheck, { Test: ["CMD", "/usr/local/bin/plain", "-health"], Interval: 30e9, Timeout: 5e9, Retries: 3 });
  assert.equal(config.StopSignal, "SIGINT");
  // --label wins over the spec's label of the same name.
  assert.deepEqual(config.Labels, { build: "42", team: "core", tier: "cli" });
  const text = (key: string) => (one?.metadata[key] === undefined ? undefined : new TextDecoder().decode(one.metadata[key]));
  assert.equal(text("annotation.org.opencontainers.image.source"), "https://example.com/plain");
  // A single-platform export has no index, and BuildKit refuses index annotations there.
  assert.equal(text("annotation-index.org.opencontainers.image.source"), undefined);

  const multi = (await runFrontend({ spec, goMod, opts: { platform: "linux/amd64,linux/arm64" } })).returned.result;
  assert.equal(new TextDecoder().decode(multi?.metadata["annotation-index.org.opencontainers.image.source"]), "https://example.com/plain");
  assert.equal(JSON.parse(new TextDecoder().decode(multi?.metadata["containerimage.config/linux/arm64"])).config.StopSignal, "SIGINT");
});

/** The SPDX documents the frontend solves as files, by the ref id the solve answered. */
function captureSbomFiles(into: Map<string, string>): Overrides {
  return {
    solve: async (req, next) => {
      const res = await next(req);
      for (const bytes of req.Definition?.def ?? []) {
        const op = fromBinary(OpSchema, bytes);
        if (op.op.case !== "file") continue;
        for (const action of op.op.value.actions) {
          if (action.action.case === "mkfile" && action.action.value.path === "/sbom.spdx.json") {
            const answer = res.result?.result;
            const id = answer?.case === "ref" ? answer.value.id ?? "" : "";
            into.set(id, new TextDecoder().decode(action.action.value.data));
          }
        }
      }
      return res;
    },
  };
}

test("--sbom returns an SPDX attestation per platform, from the binaries' Go build info", async () => {
  const docs = new Map<string, string>();
  const goMod = readFileSync(`${FIXTURE}/go.mod`, "utf8");
  const spec = "# syntax=slimgo:dev\nmain: ./cmd/plain\n";
  const out = await runFrontend({ spec, goMod, opts: { "attest:sbom": "", "attest:provenance": "mode=max", "build-arg:SOURCE_DATE_EPOCH": "1700000000" } }, { overrides: captureSbomFiles(docs) });
  const result = out.returned.result;
  assert.equal(out.returned.error, undefined, out.stderr);
  assert.equal(result?.result.case, "ref");
  // The single ref's platform id, which keys the attestation.
  assert.deepEqual(JSON.parse(new TextDecoder().decode(result?.metadata["refs.platforms"])).Platforms[0].ID, "linux/amd64");
  assert.deepEqual(Object.keys(result?.attestations ?? {}), ["linux/amd64"]);
  const att = result?.attestations["linux/amd64"]?.attestation[0];
  assert.equal(att?.inTotoPredicateType, "https://spdx.dev/Document");
  assert.equal(att?.path, "/sbom.spdx.json");
  assert.equal(new TextDecoder().decode(att?.metadata["reason"]), "sbom");
  const doc = JSON.parse(docs.get(att?.ref?.id ?? "") ?? "{}");
  assert.equal(doc.spdxVersion, "SPDX-2.3");
  assert.equal(doc.creationInfo.created, "2023-11-14T22:13:20Z");
  assert.deepEqual(doc.packages.map((p: { name: string }) => p.name), ["example.com/tiny", "stdlib"]);
  assert.match(doc.packages[0].comment, /^binary \/usr\/local\/bin\/plain; built with go1\./);

  // Two platforms: one document each, keyed like the refs.
  const multi = await runFrontend({ spec, goMod, opts: { "attest:sbom": "", platform: "linux/amd64,linux/arm64" } });
  assert.deepEqual(Object.keys(multi.returned.result?.attestations ?? {}).sort(), ["linux/amd64", "linux/arm64"]);
});

test("without --sbom, or with a scanner image named, slimgo returns no SBOM (BuildKit runs the scanner then)", async () => {
  const goMod = readFileSync(`${FIXTURE}/go.mod`, "utf8");
  const spec = "# syntax=slimgo:dev\nmain: ./cmd/plain\n";
  for (const opts of [{ "attest:provenance": "mode=min" }, { "attest:sbom": "generator=docker/buildkit-syft-scanner" }, { "attest:sbom": "disabled=true" }]) {
    const result = (await runFrontend({ spec, goMod, opts })).returned.result;
    assert.deepEqual(result?.attestations, {}, JSON.stringify(opts));
    assert.equal(result?.metadata["refs.platforms"], undefined);
  }
});

test("${COMMIT} is read from the context's .git through BuildKit (HEAD, then packed-refs)", async () => {
  const commit = "0123456789abcdef0123456789abcdef01234567";
  const gitFiles: Record<string, string> = { ".git/HEAD": "ref: refs/heads/main\n", ".git/packed-refs": `${commit} refs/heads/main\n` };
  const ldflags: string[] = [];
  const overrides: Overrides = {
    readDir: (req, next, kind) => (kind(req.Ref) === "context" && req.DirPath === "/" ? { entries: ["go.mod", "go.sum", ".git"].map((path) => ({ path })) } : next(req)),
    readFile: (req, next) => {
      const text = gitFiles[req.FilePath];
      if (text !== undefined) return { Data: enc(text) };
      if (req.FilePath.startsWith(".git/")) throw new FakeStatus(2, `open ${req.FilePath}: no such file or directory`);
      return next(req);
    },
    solve: recordLdflags(ldflags),
  };
  const spec = "# syntax=slimgo:dev\nmain: ./cmd/plain\nldflags: -X main.commit=${COMMIT} -X main.date=${DATE}\n";
  const out = await runFrontend({ spec, goMod: readFileSync(`${FIXTURE}/go.mod`, "utf8"), opts: { "build-arg:SOURCE_DATE_EPOCH": "1700000000" } }, { overrides });
  assert.equal(out.returned.error, undefined, out.returned.error?.message);
  assert.ok(ldflags.length > 0, "no go build step carried -ldflags");
  assert.ok(ldflags.every((l) => l.includes(`-X main.commit=${commit} -X main.date=2023-11-14T22:13:20Z`)), ldflags.join("\n"));
});
