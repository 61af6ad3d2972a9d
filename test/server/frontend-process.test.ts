/**
 * The real frontend process, driven through its stdin/stdout by a fake
 * BuildKit gateway: the whole sequence from Ping to Return, as buildkitd
 * runs it, without an engine.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { before, test } from "node:test";
import type { ReturnRequest } from "../../src/gen/gateway/gateway_pb.js";
import { type FakeHandlers, FakeStatus, fakeGateway } from "../support/fake-gateway.js";
import { solvedKind } from "../support/solved-kind.js";

const FIXTURE = resolve("test/fixtures/projects/plain");

/** An image config as ResolveImageConfig answers. */
function resolvedConfig(ref: string) {
  return {
    Digest: "sha256:" + "0".repeat(64),
    Ref: ref,
    Config: enc(JSON.stringify({ os: "linux", architecture: "amd64", config: { Env: ["PATH=/usr/local/go/bin:/usr/bin:/bin", "GOPATH=/go"], WorkingDir: "/go" } })),
  };
}

/** Real Go binaries stand in for the build step's output, one per GOARCH. */
const binaries = new Map<string, Uint8Array>();
before(() => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-bin-"));
  writeFileSync(join(dir, "go.mod"), "module example.com/tiny\n\ngo 1.24\n");
  writeFileSync(join(dir, "main.go"), "package main\n\nfunc main() { println(\"tiny\") }\n");
  for (const goarch of ["amd64", "arm64"]) {
    execFileSync("go", ["build", "-trimpath", "-ldflags", "-s -w", "-o", join(dir, goarch), "."], {
      cwd: dir,
      env: { ...process.env, CGO_ENABLED: "0", GOOS: "linux", GOARCH: goarch, GOTOOLCHAIN: "local", GOFLAGS: "" },
    });
    binaries.set(goarch, readFileSync(join(dir, goarch)));
  }
  rmSync(dir, { recursive: true, force: true });
});

function binaryFor(ref: { goarch?: string } | undefined): Uint8Array {
  const bin = binaries.get(ref?.goarch ?? "");
  if (bin === undefined) throw new Error(`no test binary for GOARCH=${ref?.goarch}`);
  return bin;
}
const enc = (s: string) => new TextEncoder().encode(s);
const ALL_CAPS = [
  "solve.base", "readfile", "readdir", "resolveimage", "return", "proto.refarray",
  "file.base", "exec.mount.cache", "exec.mount.bind", "exec.meta.network", "exec.meta.base", "exec.mount.selector",
  "exec.mount.cache.sharing", "source.local", "source.local.includepatterns", "source.local.followpaths",
  "source.local.excludepatterns", "source.local.sharedkeyhint", "source.local.sessionid", "source.local.differ",
  "source.image", "constraints", "platform", "meta.description", "exec.meta.setsdefaultpath", "statfile", "gateway.solve.evaluate",
].map((ID) => ({ ID, Enabled: true }));

interface Outcome {
  readonly returned: ReturnRequest;
  readonly solved: Array<{ ops: number }>;
  readonly stdoutHead: string;
  readonly exitCode: number | null;
  readonly stderr: string;
}

/** Start the frontend with the given files in its `dockerfile` and `context` locals. */
async function runFrontend(files: { spec: string; goMod?: string; goList?: string; opts?: Record<string, string> }): Promise<Outcome> {
  let returned: ReturnRequest | undefined;
  const solved: Array<{ ops: number }> = [];
  let nextRef = 0;
  const refs = new Map<string, { kind: "spec" | "context" | "build" | "image"; goarch?: string }>();
  const handlers: FakeHandlers = {
    ping: () => ({
      FrontendAPICaps: ALL_CAPS,
      LLBCaps: ALL_CAPS,
      Workers: [{ ID: "w", platforms: [{ OS: "linux", Architecture: "amd64" }] }],
    }),
    solve: (req) => {
      const defs = req.Definition?.def ?? [];
      solved.push({ ops: defs.length });
      const id = `ref${nextRef++}`;
      refs.set(id, solvedKind(defs));
      return { result: { result: { case: "ref", value: { id } } } };
    },
    statFile: (req) => ({ stat: { path: req.Path, size: BigInt(binaryFor(refs.get(req.Ref)).length) } }),
    readDir: (req) => {
      const kind = refs.get(req.Ref)?.kind;
      const names = kind === "spec" ? ["slimgo.yaml"] : kind === "context" && files.goMod ? ["go.mod", "go.sum"] : [];
      return { entries: names.map((path) => ({ path })) };
    },
    readFile: (req) => {
      const ref = refs.get(req.Ref);
      if (ref?.kind === "build") {
        if (req.FilePath === ".slimgo/go-list.txt") return { Data: enc(files.goList ?? "std net\n") };
        const bin = binaryFor(ref);
        const start = Number(req.Range?.Offset ?? 0n);
        return { Data: bin.subarray(start, req.Range ? start + Number(req.Range.Length) : bin.length) };
      }
      if (req.FilePath === "slimgo.yaml") return { Data: enc(files.spec) };
      if (req.FilePath === "go.mod" && files.goMod) return { Data: enc(files.goMod) };
      if (req.FilePath === "go.sum") return { Data: enc("") };
      throw new Error(`no ${req.FilePath}`);
    },
    resolveImageConfig: (req) => {
      if (req.Ref.includes("golang:1.25")) throw new FakeStatus(2, `failed to resolve source metadata for ${req.Ref}: no such host`);
      return resolvedConfig(req.Ref);
    },
    return: (req) => {
      returned = req;
      return {};
    },
  };
  const gateway = fakeGateway(handlers);
  const opts = { filename: "slimgo.yaml", ...files.opts };
  const env: NodeJS.ProcessEnv = { PATH: process.env["PATH"], BUILDKIT_SESSION_ID: "sess-test", BUILDKIT_EXPORTEDPRODUCT: "buildkit" };
  Object.entries(opts).forEach(([k, v], i) => (env[`BUILDKIT_FRONTEND_OPT_${i}`] = `${k}=${v}`));
  const child = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts"], { env, stdio: ["pipe", "pipe", "pipe"] });
  const stdoutTap = new PassThrough();
  let stdoutHead = "";
  child.stdout.on("data", (c: Buffer) => {
    if (stdoutHead.length < 24) stdoutHead += c.toString("latin1").slice(0, 24 - stdoutHead.length);
  });
  child.stdout.pipe(stdoutTap);
  gateway.serve(stdoutTap, child.stdin);
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exitCode = await new Promise<number | null>((ok) => child.on("exit", ok));
  gateway.close();
  assert.ok(returned, `the frontend never called Return; stderr:\n${stderr}`);
  return { returned, solved, stdoutHead, exitCode, stderr };
}

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
  // spec read, context read, then the image graph
  assert.deepEqual(out.solved.map((s) => s.ops).slice(0, 2), [2, 2]);
  assert.ok((out.solved[2]?.ops ?? 0) > 5, "the image graph is too small to hold download, build and base");
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
