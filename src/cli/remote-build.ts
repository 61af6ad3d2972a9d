/** `slimgo build --server URL`: hand the build to slimgo serve, show its progress, exit with its verdict. */
import { isAbsolute, resolve } from "node:path";
import { BuildsClient } from "../builds-client/builds-client.js";
import { contextTar } from "../builds-client/context-tar.js";
import { follow } from "../builds-client/follow.js";
import { ServerError, parseServerUrl, readToken } from "../builds-client/server-address.js";
import { makePrinter } from "../client/progress/index.js";
import { PatternError } from "../patterns/pattern-matcher.js";
import { RpcError } from "../gateway/rpc.js";
import { BUILD_USAGE, type BuildIo } from "./build.js";
import { FlagError, STDIN, checkPaths, parseBuildFlags } from "./build-flags.js";
import { interruptible } from "./interrupt.js";
import { gitContext, remoteArgs, splitRemoteFlags } from "./remote-flags.js";
import { readStdinSpec } from "./spec-stdin.js";

export async function remoteBuildCommand(argv: readonly string[], io: BuildIo): Promise<number> {
  const interrupt = interruptible();
  let client: BuildsClient | undefined;
  try {
    const { remote, rest } = splitRemoteFlags(argv);
    const flags = parseBuildFlags(rest, io.env);
    const o = flags.options;
    if (flags.help) {
      io.out(BUILD_USAGE);
      return 0;
    }
    if (flags.connection.addr !== undefined || flags.connection.builder !== undefined || Object.keys(flags.connection.tls).length > 0) {
      throw new FlagError("slimgo build --server: --addr, --builder and --tls* choose a BuildKit node; the service chooses its own: drop them");
    }
    const git = gitContext(o.contextDir);
    if (git === undefined) checkPaths(o, io.cwd);
    const args = remoteArgs(o, { cwd: io.cwd, git: git !== undefined, specGiven: rest.some((a) => a === "-f" || a === "--file" || a.startsWith("--file=") || /^-f./.test(a)) });
    let spec: Uint8Array | undefined;
    if (o.specFile === STDIN) {
      if (io.stdin === undefined) throw new FlagError("slimgo build: -f -: no stdin to read the spec from: name the file");
      spec = await readStdinSpec(io.stdin);
    }
    const address = parseServerUrl(remote.server);
    const token = readToken(remote.tokenFile, io.env);
    if (token === undefined && remote.cert === undefined) throw new ServerError("slimgo build --server: no token: set SLIMGO_TOKEN, pass --token-file FILE, or a client certificate (--server-cert, --server-key)");
    // grpc-js names an IP address as the TLS server name, which Node warns about on stderr; the warning is not the user's to act on.
    process.noDeprecation = true;
    client = new BuildsClient(address, { ca: remote.ca, cert: remote.cert, key: remote.key }, token);
    const contextDir = isAbsolute(o.contextDir) ? o.contextDir : resolve(io.cwd, o.contextDir);
    const count = { files: 0, bytes: 0 };
    const source = git !== undefined ? { git } : { context: contextTar(contextDir, count) };
    const id = await client.submit({ args, ...source, ...(spec !== undefined ? { spec } : {}) }, interrupt.signal);
    if (git === undefined && o.progress !== "quiet") io.err(`slimgo: uploaded ${count.files} files (${formatBytes(count.bytes)}) as build ${id}\n`);
    if (remote.detach) {
      io.out(`${id}\n`);
      return 0;
    }
    return await follow(client, id, makePrinter(o.progress, io.progress), io.err, interrupt.signal);
  } catch (e) {
    if (interrupt.signal.aborted && e instanceof RpcError) {
      io.err("slimgo: build cancelled before it was submitted\n");
      return 130;
    }
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof FlagError || e instanceof ServerError || e instanceof PatternError) io.err(`${message.startsWith("slimgo") ? "" : "slimgo: "}${message}\n`);
    else io.err(`slimgo: ${message.replace(/\s*\n\s*/g, " ")}\n`);
    return 1;
  } finally {
    interrupt.dispose();
    client?.close();
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1 << 20)).toFixed(1)} MiB`;
}
