/** The LLBBridge calls a frontend makes, with BuildKit's conventions applied. */
import type { Readable, Writable } from "node:stream";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { type Client, status } from "@grpc/grpc-js";
import { LLBBridge, type ResultSchema, type ReturnRequestSchema, type WarnRequestSchema } from "../gen/gateway/gateway_pb.js";
import type { StatusSchema } from "../gen/google/rpc/status_pb.js";
import type { Definition, PlatformSchema } from "../gen/pb/ops_pb.js";
import type { OciStore } from "../llb/index.js";
import type { Platform, ResolvedImage } from "../types.js";

export type { HealthcheckJson, ImageConfigJson, ResolvedImage } from "../types.js";
import { DEFAULT_DEADLINES, type Deadlines } from "./deadlines.js";
import { imageDigest, parseImageConfig } from "./image-config.js";
import type { CacheImport } from "./options.js";
import { describe } from "./json-shape.js";
import { FileTooLargeError, GatewayReplyError } from "./reply-errors.js";
import { RpcError, type UnaryCaller, unaryCaller, unaryClient } from "./rpc.js";
import { bridgeStdio, type StdioBridge } from "./stdio-transport.js";
import { wirePlatform } from "./wire-platform.js";

/** Caps the gateway reported as present and enabled. */
export interface Caps {
  readonly frontend: ReadonlySet<string>;
  readonly llb: ReadonlySet<string>;
}

export type ResultInit = MessageInitShape<typeof ResultSchema>;

/** ReadFile pieces stay below 4 MiB, the message limit before BuildKit 0.14. */
const PIECE = 3 << 20;

/** The gRPC metadata key BuildKit's gateway forwarder finds a client-run build by. */
export const BUILD_ID_HEADER = "buildkit-controlapi-buildid";

/** One frontend run's connection to BuildKit. */
export class Gateway {
  private caches: CacheImport[] = [];
  private deadlines: Deadlines = DEFAULT_DEADLINES;
  /** Refs solved lazily and not read yet: their first read runs the build, so it gets no deadline. */
  private readonly unbuilt = new Set<string>();
  private returned = false;

  private constructor(
    private readonly call: UnaryCaller<(typeof LLBBridge)["method"]>,
    private readonly bridge: StdioBridge | undefined,
    private readonly closeClient: () => void,
  ) {}

  /** Talk to BuildKit over the given streams (stdin/stdout in a real frontend). */
  static async overStdio(input: Readable, output: Writable): Promise<Gateway> {
    const bridge = await bridgeStdio(input, output);
    const client = unaryClient(LLBBridge, bridge.target);
    return new Gateway(client.call, bridge, client.close);
  }

  /**
   * Run the frontend in this process for the build `buildId` (a Control.Solve
   * with no definition and no frontend, sharing `client`'s connection): every
   * call carries the build id, and BuildKit forwards it to that build's bridge.
   * `onReturn` sees what the frontend returns (the CLI prints `--call` answers from it).
   */
  static forBuild(client: Client, buildId: string, onReturn?: (result: ResultInit) => void): Gateway {
    const call = unaryCaller(LLBBridge, client, { [BUILD_ID_HEADER]: buildId });
    const gw = new Gateway(call, undefined, () => {});
    if (onReturn) gw.onReturn = onReturn;
    return gw;
  }

  private onReturn: ((result: ResultInit) => void) | undefined;

  /** Talk to a gateway at a grpc-js target (tests). */
  static dial(target: string): Gateway {
    const client = unaryClient(LLBBridge, target);
    return new Gateway(client.call, undefined, client.close);
  }

  setDeadlines(deadlines: Deadlines): void {
    this.deadlines = deadlines;
  }

  async ping(): Promise<{ caps: Caps; platforms: Platform[] }> {
    const pong = await this.call("ping", {}, { timeoutMs: this.deadlines.metadataMs });
    const enabled = (list: typeof pong.FrontendAPICaps) => new Set(list.filter((c) => c.Enabled).map((c) => c.ID));
    const platforms = (pong.Workers[0]?.platforms ?? []).map((p, i) => {
      const platform = wirePlatform(p.OS, p.Architecture, p.Variant);
      if (typeof platform === "string") throw new GatewayReplyError("Ping", `names a worker platform ${i + 1} slimgo cannot use: ${platform}`);
      return platform;
    });
    return { caps: { frontend: enabled(pong.FrontendAPICaps), llb: enabled(pong.LLBCaps) }, platforms };
  }

  /** Caches every later solve may import from (`--cache-from`). */
  importCaches(caches: readonly CacheImport[]): void {
    this.caches = [...caches];
  }

  /** Solve a definition lazily and return its result ref id ("" for an empty result). */
  async solve(definition: Definition, opts: { evaluate?: boolean } = {}): Promise<string> {
    const res = await this.call("solve", {
      Definition: definition,
      CacheImports: this.caches.map((c) => ({ Type: c.type, Attrs: { ...c.attrs } })),
      allowResultReturn: true,
      allowResultArrayRef: true,
      Evaluate: opts.evaluate ?? false,
    });
    const result = res.result?.result;
    const ref = result?.case === "ref" ? result.value.id : result?.case === "refDeprecated" ? result.value : result === undefined || result.case === undefined ? res.ref : undefined;
    // One definition gives one ref; a map of refs answers a question we did not ask.
    if (ref === undefined) throw new GatewayReplyError("Solve", `holds ${result?.case ?? "no result"} where one ref was asked for`);
    if (!opts.evaluate && ref !== "") this.unbuilt.add(ref);
    return ref;
  }

  /** The deadline of a file call on `ref`: none for the read that builds it. */
  private fileDeadline(ref: string) {
    return { timeoutMs: this.unbuilt.has(ref) ? undefined : this.deadlines.metadataMs };
  }

  private built(ref: string): void {
    this.unbuilt.delete(ref);
  }

  async readFile(ref: string, path: string, range?: { offset: number; length: number }): Promise<Uint8Array> {
    const Range = range ? { Offset: BigInt(range.offset), Length: BigInt(range.length) } : undefined;
    const { Data } = await this.call("readFile", { Ref: ref, FilePath: path, ...(Range ? { Range } : {}) }, this.fileDeadline(ref));
    this.built(ref);
    if (range && Data.length > range.length) {
      throw new GatewayReplyError("ReadFile", `for ${path} holds ${Data.length} bytes where at most ${range.length} were asked for`);
    }
    return Data;
  }

  /** File metadata; follows the path inside the ref (an error when it does not exist). */
  async statFile(ref: string, path: string): Promise<{ size: number; mode: number; linkname: string }> {
    const { stat } = await this.call("statFile", { Ref: ref, Path: path }, this.fileDeadline(ref));
    this.built(ref);
    if (stat === undefined) throw new GatewayReplyError("StatFile", `for ${path} holds no stat`);
    return { size: fileSize("StatFile", path, stat.size), mode: stat.mode, linkname: stat.linkname };
  }

  /**
   * A whole file of at most `maxBytes`, else a FileTooLargeError. The first
   * piece is read without a stat: most files fit in it, and asking one byte
   * more than the limit tells a file that is too large. Memory stays bounded
   * by the limit whatever the daemon answers.
   */
  async readWholeFile(ref: string, path: string, maxBytes: number): Promise<Uint8Array> {
    const ask = Math.min(maxBytes + 1, PIECE);
    const head = await this.readFile(ref, path, { offset: 0, length: ask });
    if (head.length < ask) return head;
    if (ask > maxBytes) throw new FileTooLargeError(path, maxBytes);
    const { size } = await this.statFile(ref, path);
    if (size > maxBytes) throw new FileTooLargeError(path, maxBytes);
    if (size < head.length) throw new GatewayReplyError("StatFile", `for ${path} gives ${size} bytes, fewer than ReadFile returned`);
    const out = new Uint8Array(size);
    out.set(head);
    await this.readInto(out, head.length, ref, path, head.length);
    return out;
  }

  /** `length` bytes at `offset`, read in pieces below every daemon's message limit; the caller bounds `length`. */
  async readRange(ref: string, path: string, offset: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    await this.readInto(out, 0, ref, path, offset);
    return out;
  }

  /** Fill `out` from index `at` with the file's bytes from `offset`; a short piece means the file is not the size we were told. */
  private async readInto(out: Uint8Array, at: number, ref: string, path: string, offset: number): Promise<void> {
    for (let i = at; i < out.length; i += PIECE) {
      const want = Math.min(PIECE, out.length - i);
      const from = offset + (i - at);
      const data = await this.readFile(ref, path, { offset: from, length: want });
      if (data.length !== want) {
        throw new GatewayReplyError("ReadFile", `for ${path} holds ${data.length} bytes at offset ${from} where ${want} were asked for: the file is shorter than its size said`);
      }
      out.set(data, i);
    }
  }

  /** The entries directly under `dir` with their stat: mode is Go's os.FileMode (directory 1<<31, symlink 1<<27). */
  async readDirStats(ref: string, dir: string): Promise<Array<{ path: string; mode: number; size: number; linkname: string }>> {
    const { entries } = await this.call("readDir", { Ref: ref, DirPath: dir }, this.fileDeadline(ref));
    this.built(ref);
    return entries.map((e) => {
      // One level: each entry is a plain name, or a walk of its children would never end.
      if (e.path === "" || e.path === "." || e.path === ".." || e.path.includes("/") || e.path.includes("\0")) {
        throw new GatewayReplyError("ReadDir", `for ${dir} names an entry ${describe(e.path)}, which is not a file name`);
      }
      return { path: e.path, mode: e.mode, size: fileSize("ReadDir", `${dir}/${e.path}`, e.size), linkname: e.linkname };
    });
  }

  /** Names of the entries directly under `dir` in a ref. */
  async readDir(ref: string, dir: string): Promise<string[]> {
    return (await this.readDirStats(ref, dir)).map((e) => e.path);
  }

  async resolveImageConfig(
    ref: string,
    opts: { platform: Platform; resolveMode: string; logName: string; sessionId: string; ociStore?: OciStore | undefined },
  ): Promise<ResolvedImage> {
    // An OCI layout is resolved in the client's store (ResolverType 1), where the session serves it.
    const oci = opts.ociStore ? { ResolverType: 1, SessionID: opts.ociStore.sessionId, StoreID: opts.ociStore.storeId } : { SessionID: opts.sessionId };
    const res = await this.call(
      "resolveImageConfig",
      {
        Ref: ref,
        Platform: toPbPlatform(opts.platform),
        ResolveMode: opts.resolveMode,
        LogName: opts.logName,
        ...oci,
      },
      { timeoutMs: this.deadlines.resolveMs },
    );
    return { digest: imageDigest(ref, res.Digest), config: parseImageConfig(ref, res.Config) };
  }

  async warn(req: MessageInitShape<typeof WarnRequestSchema>): Promise<void> {
    await this.call("warn", req, { timeoutMs: this.deadlines.metadataMs });
  }

  async returnResult(result: ResultInit): Promise<void> {
    this.onReturn?.(result);
    await this.return({ result });
  }

  async returnError(error: MessageInitShape<typeof StatusSchema>): Promise<void> {
    await this.return({ error });
  }

  /** BuildKit takes one Return per run: a second would fail with "gateway result is already set". */
  private async return(req: MessageInitShape<typeof ReturnRequestSchema>): Promise<void> {
    if (this.returned) throw new Error("Return was already called in this run");
    this.returned = true;
    await this.call("return", req, { timeoutMs: this.deadlines.metadataMs });
  }

  close(): void {
    this.closeClient();
    this.bridge?.close();
  }
}

/** Failures of the call itself (cancelled, deadline, message too large, undecodable reply, lost connection), not answers about the file. */
const CALL_FAILURES = new Set([status.CANCELLED, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED, status.INTERNAL, status.UNAVAILABLE]);

/**
 * True when BuildKit answered a file call with an error, as it does for a
 * path that is not there. A deadline, a lost connection or a reply slimgo
 * refused is no such answer and must not pass for a missing file.
 */
export function isFileAnswer(err: unknown): boolean {
  return err instanceof RpcError && !CALL_FAILURES.has(err.code);
}

/** An int64 size from a reply as a number we may allocate from: never negative, never beyond exact integers. */
function fileSize(method: string, path: string, size: bigint): number {
  if (size < 0n || size > BigInt(Number.MAX_SAFE_INTEGER)) throw new GatewayReplyError(method, `for ${path} gives a size of ${size} bytes`);
  return Number(size);
}

export function toPbPlatform(p: Platform): MessageInitShape<typeof PlatformSchema> {
  return p.variant === undefined
    ? { OS: p.os, Architecture: p.architecture }
    : { OS: p.os, Architecture: p.architecture, Variant: p.variant };
}
