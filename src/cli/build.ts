/** `slimgo build`: drive a BuildKit node from this process, with slimgo's frontend running here too. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import type { Writable } from "node:stream";
import { existsSync } from "node:fs";
import { pino } from "pino";
import { ConnectError, chooseAddress } from "../client/address.js";
import type { BuildOptions } from "../client/build-options.js";
import { connect } from "../client/connect.js";
import { ControlClient, isEngineBuilder, workerInfos } from "../client/control.js";
import { ExportError, exportPlan } from "../client/exporters.js";
import { buildInputs, defaultAttests, solveFlags } from "../client/frontend-attrs.js";
import { localCaches } from "../client/local-cache.js";
import { metadataJson } from "../client/metadata-file.js";
import { makePrinter } from "../client/progress/index.js";
import { type SessionFactory, defaultSessionFactory } from "../client/session-port.js";
import { BuildCancelled, BuildFailed, solveBuild } from "../client/solve.js";
import { LOCAL_SPEC } from "../gateway/options.js";
import { RpcError } from "../gateway/rpc.js";
import { FlagError, STDIN, checkPaths, checkStdio, parseBuildFlags } from "./build-flags.js";
import { interruptible } from "./interrupt.js";
import { remoteBuildCommand } from "./remote-build.js";
import { type StdinSpec, readStdinSpec, stdinSpecDir } from "./spec-stdin.js";
import { wantsServer } from "./remote-flags.js";

/** How long the node may take to answer its first call. */
const CONNECT_TIMEOUT_MS = 20_000;

export const BUILD_USAGE = `usage: slimgo build [options] [DIR]

Build DIR (default .) with its slimgo.yaml on a BuildKit node; slimgo's frontend runs in this process.

options (as docker buildx build):
  -f, --file FILE            spec file (default DIR/slimgo.yaml); - reads it from stdin
  --target NAME              target to build
  --platform LIST            target platforms (linux/amd64,linux/arm64)
  --build-arg K=V            build arg (repeatable)
  --label K=V                image label (repeatable)
  -t, --tag NAME             image name (repeatable)
  --push                     push the image (-o type=registry)
  --load                     load the image into the Docker engine
  -o, --output SPEC          type=local,dest=DIR | tar,dest=FILE | oci,dest=FILE | docker,dest=FILE | image,name=N[,push=true] | registry;
                             -o - (or dest=- for tar, oci, docker) writes the archive to stdout
  --cache-from SPEC          type=registry,ref=REF (or just REF) | type=local,src=DIR[,tag=T|digest=D]
  --cache-to SPEC            type=registry,ref=REF[,mode=max] | type=local,dest=DIR[,mode=max][,tag=T]
  --secret id=ID[,src=FILE|env=VAR]
  --ssh default|ID=PATH
  --build-context NAME=DIR   a named context (a directory, or docker-image://REF)
  --no-cache                 rerun every step
  --pull                     always resolve images from the registry
  --network default|host|none
  --call build|check|targets|outline|size
  --metadata-file FILE       write the exporters' response as JSON
  --progress auto|plain|tty|rawjson|quiet
  --allow ENTITLEMENT        network.host, security.insecure
  --frontend-image REF       run this slimgo image as the frontend instead of this process
  --sbom true|false|generator=IMAGE
                             an SPDX SBOM per image, from the Go build info (--attest type=sbom,…)
  --provenance true|false|mode=min|max
                             BuildKit's SLSA provenance (--attest type=provenance,…); by default a
                             minimal one, as buildx adds it (BUILDX_NO_DEFAULT_ATTESTATIONS=1: none)
  --attest type=sbom|provenance[,KEY=VALUE…]
                             an attestation and its parameters (disabled=true turns it off)

connection:
  --builder NAME             a docker buildx builder (docker-buildx://NAME)
  --addr URL                 unix:///PATH, tcp://HOST:PORT or docker-buildx://[BUILDER]
                             (default: the current buildx builder when docker is installed,
                             else $BUILDKIT_HOST, else unix:///run/buildkit/buildkitd.sock)
  --tlscacert, --tlscert, --tlskey FILE, --tlsservername NAME   mTLS for tcp://

on a slimgo serve build service (DIR is uploaded, honouring .dockerignore; or a git URL[#REF] the service fetches):
  --server URL               tcp://HOST:PORT (plaintext) or tls://HOST:PORT
  --token-file FILE          the tenant's token (default: $SLIMGO_TOKEN)
  --server-ca FILE           CA of the service's certificate (tls://)
  --server-cert, --server-key FILE   a client certificate (mTLS)
  -d, --detach               print the build id and return; follow it with \`slimgo builds watch ID\`
  --secret id=ID, --ssh ID   the tenant's own, lent in the service's config (src=, env= and agent paths are refused)
  (--load, local outputs, local caches, local --build-context and --metadata-file are refused)
`;

export interface BuildIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** Where progress goes (stderr). */
  readonly progress: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** `-f -` reads the spec from here. */
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** `-o -` writes the archive here (never onto a terminal). */
  readonly stdout?: Writable & { readonly isTTY?: boolean };
  /** For tests: a session implementation other than src/session. */
  readonly sessions?: SessionFactory;
}

export async function buildCommand(argv: readonly string[], io: BuildIo): Promise<number> {
  if (wantsServer(argv)) return remoteBuildCommand(argv, io);
  const abort = interruptible();
  let tmp: string | undefined;
  let stdinSpec: StdinSpec | undefined;
  try {
    const flags = parseBuildFlags(argv, io.env);
    if (flags.help) {
      io.out(BUILD_USAGE);
      return 0;
    }
    const o = flags.options;
    checkPaths(o, io.cwd);
    checkStdio(o, io.stdout?.isTTY === true);
    if (o.specFile === STDIN) {
      if (io.stdin === undefined) throw new FlagError("slimgo build: -f -: no stdin to read the spec from: name the file");
      stdinSpec = stdinSpecDir(await readStdinSpec(io.stdin));
    }
    const address = chooseAddress({ ...flags.connection, buildkitHost: io.env["BUILDKIT_HOST"], dockerOnPath: onPath("docker", io.env) });
    // grpc-js names an IP address as the TLS server name, which Node warns about on stderr; the warning is not the user's to act on.
    process.noDeprecation = true;
    const conn = await connect(address);
    try {
      const control = new ControlClient(conn);
      const workers = await firstCall(control, address.url, abort.signal);
      const engine = isEngineBuilder(workers);
      const plan = exportPlan(o, engine, () => join((tmp = mkdtempSync(join(tmpdir(), "slimgo-load-"))), "image.tar"));
      for (const note of plan.notes) io.err(`slimgo: ${note}\n`);
      if (o.call !== "build" && o.frontendImage !== undefined) throw new FlagError("slimgo build: --call answers come from the frontend in this process: drop --frontend-image");
      const local = await localCaches(o, io.cwd);
      for (const w of local.warnings) io.err(`slimgo: ${w}\n`);
      const inputs = buildInputs(stdinSpec ? { ...local.options, specFile: stdinSpec.file } : local.options, io.cwd);
      const dirs = new Map<string, { dir: string; stableName?: string }>(inputs.dirs);
      if (stdinSpec) dirs.set(LOCAL_SPEC, { dir: stdinSpec.dir, stableName: "stdin" });
      const sessions = io.sessions ?? defaultSessionFactory;
      const session = sessions({
        dirs,
        outputs: plan.outputs,
        ...(io.stdout ? { stdout: io.stdout } : {}),
        secrets: o.secrets,
        ssh: o.ssh,
        caches: local.caches,
        dockerConfigDir: io.env["DOCKER_CONFIG"] ?? join(homedir(), ".docker"),
      });
      const printer = makePrinter(o.progress, io.progress);
      let outcome;
      try {
        outcome = await solveBuild({
          control,
          session,
          attrs: new Map([...inputs.attrs, ...defaultAttests(o, io.env)]),
          exporters: plan.exporters,
          ...solveFlags(local.options),
          workers: workerInfos(workers),
          onStatus: (s) => printer.update(s),
          signal: abort.signal,
          log: pino({ name: "slimgo", level: io.env["SLIMGO_LOG_LEVEL"] ?? "silent" }, pino.destination({ fd: 2, sync: true })),
        });
      } finally {
        printer.end();
      }
      if (plan.loadTar !== undefined) dockerLoad(plan.loadTar);
      if (o.metadataFile !== undefined) writeFileSync(o.metadataFile, metadataJson(outcome.exporterResponse, outcome.ref));
      return o.call === "build" ? 0 : printCall(outcome.returned?.metadata, io.out);
    } finally {
      conn.close();
    }
  } catch (e) {
    if (e instanceof BuildCancelled) {
      io.err("slimgo: build cancelled\n");
      return 130;
    }
    if (e instanceof FlagError || e instanceof ConnectError || e instanceof ExportError) {
      io.err(`${e.message.startsWith("slimgo") ? "" : "slimgo: "}${e.message}\n`);
      return 1;
    }
    if (e instanceof BuildFailed) {
      io.err(`slimgo: build failed: ${e.message}\n`);
      return 1;
    }
    if (e instanceof RpcError) {
      io.err(`slimgo: BuildKit: ${e.message}\n`);
      return 1;
    }
    // Anything else is still one line: the build cannot go on, and a stack trace helps no user.
    io.err(`slimgo: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    abort.dispose();
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
    stdinSpec?.dispose();
  }
}

/** ListWorkers, bounded: a node that never answers is reported, not waited on. */
async function firstCall(control: ControlClient, url: string, signal: AbortSignal) {
  const timeout = AbortSignal.timeout(CONNECT_TIMEOUT_MS);
  try {
    return await control.listWorkers({ signal: AbortSignal.any([signal, timeout]) });
  } catch (err) {
    if (signal.aborted) throw new BuildCancelled("build cancelled");
    if (timeout.aborted) throw new ConnectError(`no answer from BuildKit at ${url} within ${CONNECT_TIMEOUT_MS / 1000}s: check the address and the network`);
    throw err;
  }
}

/** A `--call` answer: result.txt on stdout; result.statuscode is the exit code. */
function printCall(metadata: ResultMetadata, out: (s: string) => void): number {
  const text = metadata?.["result.txt"];
  if (text !== undefined) out(new TextDecoder().decode(text));
  const code = metadata?.["result.statuscode"];
  return code === undefined ? 0 : Number(new TextDecoder().decode(code)) || 0;
}

type ResultMetadata = { [key: string]: Uint8Array } | undefined;

function dockerLoad(tar: string): void {
  const res = spawnSync("docker", ["load", "-i", tar], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (res.status !== 0) throw new ExportError(`--load: docker load failed (${(res.stderr || res.error?.message || "").trim().split("\n").pop()}): is the Docker engine running?`);
}

function onPath(cmd: string, env: NodeJS.ProcessEnv): boolean {
  return (env["PATH"] ?? "").split(delimiter).some((dir) => dir !== "" && existsSync(join(dir, cmd)));
}

export type { BuildOptions };
