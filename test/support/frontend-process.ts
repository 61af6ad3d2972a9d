/**
 * The real frontend process driven through its stdin/stdout by a fake BuildKit gateway: the whole sequence
 * from Ping to Return, as buildkitd runs it, without an engine. The frontend is the TypeScript source, or any
 * command (the arm64 image's node under qemu-user).
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fromBinary } from "@bufbuild/protobuf";
import type { ReturnRequest } from "../../src/gen/gateway/gateway_pb.js";
import { OpSchema } from "../../src/gen/pb/ops_pb.js";
import { type FakeHandlers, FakeStatus, fakeGateway } from "./fake-gateway.js";

/** An image config as ResolveImageConfig answers. */
function resolvedConfig(ref: string) {
  return {
    Digest: "sha256:" + "0".repeat(64),
    Ref: ref,
    Config: enc(JSON.stringify({ os: "linux", architecture: "amd64", config: { Env: ["PATH=/usr/local/go/bin:/usr/bin:/bin", "GOPATH=/go"], WorkingDir: "/go" } })),
  };
}

/** Real Go binaries stand in for the build step's output, one per GOARCH. */
export const binaries = new Map<string, Uint8Array>();
export function buildTestBinaries(): void {
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
}

export function binaryFor(ref: { goarch?: string } | undefined): Uint8Array {
  const bin = binaries.get(ref?.goarch ?? "");
  if (bin === undefined) throw new Error(`no test binary for GOARCH=${ref?.goarch}`);
  return bin;
}
export const enc = (s: string) => new TextEncoder().encode(s);
const ALL_CAPS = [
  "solve.base", "readfile", "readdir", "resolveimage", "return", "proto.refarray",
  "file.base", "exec.mount.cache", "exec.mount.bind", "exec.meta.network", "exec.meta.base", "exec.mount.selector",
  "exec.mount.cache.sharing", "source.local", "source.local.includepatterns", "source.local.followpaths",
  "source.local.excludepatterns", "source.local.sharedkeyhint", "source.local.sessionid", "source.local.differ",
  "source.image", "constraints", "platform", "meta.description", "exec.meta.setsdefaultpath", "statfile", "gateway.solve.evaluate",
].map((ID) => ({ ID, Enabled: true }));

export interface Outcome {
  readonly returned: ReturnRequest;
  readonly solved: Array<{ ops: number }>;
  readonly stdoutHead: string;
  readonly exitCode: number | null;
  readonly stderr: string;
}

type RefKind = "spec" | "context" | "build" | "image";
type Methods = Required<FakeHandlers>;
/** A handler that replaces the default one; `next` is the default, `kind` says what a ref id stands for. */
export type Overrides = {
  [K in keyof Methods]?: (req: Parameters<Methods[K]>[0], next: Methods[K], kind: (ref: string) => RefKind | undefined) => ReturnType<Methods[K]>;
};

/** A solve override that records the -ldflags value of every go build step solved. */
export function recordLdflags(into: string[]): NonNullable<Overrides["solve"]> {
  return (req, next) => {
    for (const bytes of req.Definition?.def ?? []) {
      const op = fromBinary(OpSchema, bytes);
      const args = op.op.case === "exec" ? (op.op.value.meta?.args ?? []) : [];
      const i = args.indexOf("-ldflags");
      if (i >= 0) into.push(args[i + 1] ?? "");
    }
    return next(req);
  };
}

/** A frontend that has not exited by then hangs: the test fails instead of waiting. */
const EXIT_DEADLINE_MS = 30_000;

/** How the frontend process is started: by default the TypeScript source on this Node. */
export interface FrontendCommand {
  readonly file: string;
  readonly args: readonly string[];
}
const SOURCE_FRONTEND: FrontendCommand = { file: process.execPath, args: ["--import", "tsx", "src/server/main.ts"] };

/**
 * Start the frontend with the given files in its `dockerfile` and `context`
 * locals; `env` adds to (or, with undefined, removes from) its launch
 * environment. Asserts it calls Return exactly once and exits by itself.
 */
export async function runFrontend(
  files: { spec: string; goMod?: string; goList?: string; opts?: Record<string, string> },
  more: { overrides?: Overrides; env?: Record<string, string | undefined>; command?: FrontendCommand; deadlineMs?: number } = {},
): Promise<Outcome> {
  const returns: ReturnRequest[] = [];
  const solved: Array<{ ops: number }> = [];
  let nextRef = 0;
  const refs = new Map<string, { kind: RefKind; goarch?: string }>();
  const handlers: FakeHandlers = {
    ping: () => ({
      FrontendAPICaps: ALL_CAPS,
      LLBCaps: ALL_CAPS,
      Workers: [{ ID: "w", platforms: [{ OS: "linux", Architecture: "amd64" }] }],
    }),
    solve: (req) => {
      const defs = req.Definition?.def ?? [];
      solved.push({ ops: defs.length });
      const first = defs[0] ? fromBinary(OpSchema, defs[0]) : undefined;
      const head = defs.length >= 2 ? fromBinary(OpSchema, defs[defs.length - 2] as Uint8Array) : undefined;
      const ident = first?.op.case === "source" ? first.op.value.identifier : "";
      const id = `ref${nextRef++}`;
      if (ident === "local://dockerfile") refs.set(id, { kind: "spec" });
      else if (ident === "local://context" && defs.length === 2) refs.set(id, { kind: "context" });
      else if (head?.op.case === "exec") {
        const goarch = head.op.value.meta?.env.find((e) => e.startsWith("GOARCH="))?.slice(7) ?? "";
        refs.set(id, { kind: "build", goarch });
      } else refs.set(id, { kind: "image" });
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
      const range = (data: Uint8Array) => {
        const start = Number(req.Range?.Offset ?? 0n);
        return { Data: data.subarray(start, req.Range ? start + Number(req.Range.Length) : data.length) };
      };
      if (ref?.kind === "build") {
        if (req.FilePath === ".slimgo/go-list.txt") return range(enc(files.goList ?? "std net\n"));
        return range(binaryFor(ref));
      }
      if (req.FilePath === "slimgo.yaml") return range(enc(files.spec));
      if (req.FilePath === "go.mod" && files.goMod) return range(enc(files.goMod));
      if (req.FilePath === "go.sum") return range(enc(""));
      throw new Error(`no ${req.FilePath}`);
    },
    resolveImageConfig: (req) => {
      if (req.Ref.includes("golang:1.25")) throw new FakeStatus(2, `failed to resolve source metadata for ${req.Ref}: no such host`);
      return resolvedConfig(req.Ref);
    },
    return: (req) => {
      returns.push(req);
      return {};
    },
  };
  const kind = (ref: string) => refs.get(ref)?.kind;
  const wired: Record<string, unknown> = { ...handlers };
  for (const [name, override] of Object.entries(more.overrides ?? {}) as Array<[keyof Methods, (req: unknown, next: unknown, k: typeof kind) => unknown]>) {
    const next = handlers[name] ?? (() => Promise.reject(new FakeStatus(12, `${name} not implemented by the test`)));
    wired[name] = (req: unknown) => override(req, next, kind);
  }
  const gateway = fakeGateway(wired as FakeHandlers);
  const opts = { filename: "slimgo.yaml", ...files.opts };
  const env: NodeJS.ProcessEnv = { PATH: process.env["PATH"], BUILDKIT_SESSION_ID: "sess-test", BUILDKIT_EXPORTEDPRODUCT: "buildkit" };
  Object.entries(opts).forEach(([k, v], i) => (env[`BUILDKIT_FRONTEND_OPT_${i}`] = `${k}=${v}`));
  for (const [k, v] of Object.entries(more.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const command = more.command ?? SOURCE_FRONTEND;
  const child = spawn(command.file, command.args, { env, stdio: ["pipe", "pipe", "pipe"] });
  const stdoutTap = new PassThrough();
  let stdoutHead = "";
  child.stdout.on("data", (c: Buffer) => {
    if (stdoutHead.length < 24) stdoutHead += c.toString("latin1").slice(0, 24 - stdoutHead.length);
  });
  child.stdout.pipe(stdoutTap);
  gateway.serve(stdoutTap, child.stdin);
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const deadlineMs = more.deadlineMs ?? EXIT_DEADLINE_MS;
  const hang = setTimeout(() => child.kill("SIGKILL"), deadlineMs);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => child.on("exit", (code, signal) => ok({ code, signal })));
  clearTimeout(hang);
  gateway.close();
  assert.notEqual(exit.signal, "SIGKILL", `the frontend did not exit within ${deadlineMs} ms; stderr:\n${stderr}`);
  assert.equal(returns.length, 1, `the frontend called Return ${returns.length} times; stderr:\n${stderr}`);
  return { returned: returns[0] as ReturnRequest, solved, stdoutHead, exitCode: exit.code, stderr };
}
