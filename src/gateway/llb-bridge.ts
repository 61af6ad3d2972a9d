/** The LLBBridge calls a frontend makes, with BuildKit's conventions applied. */
import type { Readable, Writable } from "node:stream";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Client } from "@grpc/grpc-js";
import { LLBBridge, type ResultSchema, type WarnRequestSchema } from "../gen/gateway/gateway_pb.js";
import type { StatusSchema } from "../gen/google/rpc/status_pb.js";
import type { Definition, Platform as PbPlatform, PlatformSchema } from "../gen/pb/ops_pb.js";
import type { Platform } from "../plan/types.js";
import type { CacheImport } from "./options.js";
import { type UnaryCaller, unaryCaller, unaryClient } from "./rpc.js";
import { bridgeStdio, type StdioBridge } from "./stdio-transport.js";

/** Caps the gateway reported as present and enabled. */
export interface Caps {
  readonly frontend: ReadonlySet<string>;
  readonly llb: ReadonlySet<string>;
}

/** A parsed image config as ResolveImageConfig returns it. */
export interface ResolvedImage {
  readonly digest: string;
  readonly config: ImageConfigJson;
}

/** The subset of the OCI image config we read from resolved images. */
export interface ImageConfigJson {
  architecture?: string;
  os?: string;
  variant?: string;
  config?: {
    Env?: string[];
    WorkingDir?: string;
    User?: string;
    Entrypoint?: string[];
    Cmd?: string[];
    ExposedPorts?: Record<string, object>;
    Labels?: Record<string, string>;
  };
  [key: string]: unknown;
}

export type ResultInit = MessageInitShape<typeof ResultSchema>;

/** The gRPC metadata key BuildKit's gateway forwarder finds a client-run build by. */
export const BUILD_ID_HEADER = "buildkit-controlapi-buildid";

/** One frontend run's connection to BuildKit. */
export class Gateway {
  private caches: CacheImport[] = [];

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

  async ping(): Promise<{ caps: Caps; platforms: Platform[] }> {
    const pong = await this.call("ping", {});
    const enabled = (list: typeof pong.FrontendAPICaps) => new Set(list.filter((c) => c.Enabled).map((c) => c.ID));
    const platforms = (pong.Workers[0]?.platforms ?? []).map(fromPbPlatform);
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
    if (result?.case === "ref") return result.value.id;
    if (result?.case === "refDeprecated") return result.value;
    return res.ref;
  }

  async readFile(ref: string, path: string, range?: { offset: number; length: number }): Promise<Uint8Array> {
    const Range = range ? { Offset: BigInt(range.offset), Length: BigInt(range.length) } : undefined;
    return (await this.call("readFile", { Ref: ref, FilePath: path, ...(Range ? { Range } : {}) })).Data;
  }

  /** File metadata; follows the path inside the ref (an error when it does not exist). */
  async statFile(ref: string, path: string): Promise<{ size: number; mode: number; linkname: string }> {
    const stat = (await this.call("statFile", { Ref: ref, Path: path })).stat;
    return { size: Number(stat?.size ?? 0n), mode: stat?.mode ?? 0, linkname: stat?.linkname ?? "" };
  }

  /** A whole file of any size (pieces stay below 4 MiB, the message limit before BuildKit 0.14). */
  async readWholeFile(ref: string, path: string): Promise<Uint8Array> {
    const { size } = await this.statFile(ref, path);
    return this.readRange(ref, path, 0, size);
  }

  /** `length` bytes at `offset`, read in pieces below every daemon's message limit. */
  async readRange(ref: string, path: string, offset: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    const piece = 3 << 20;
    for (let at = 0; at < length; at += piece) {
      out.set(await this.readFile(ref, path, { offset: offset + at, length: Math.min(piece, length - at) }), at);
    }
    return out;
  }

  /** The entries directly under `dir` with their stat: mode is Go's os.FileMode (directory 1<<31, symlink 1<<27). */
  async readDirStats(ref: string, dir: string): Promise<Array<{ path: string; mode: number; size: number; linkname: string }>> {
    const { entries } = await this.call("readDir", { Ref: ref, DirPath: dir });
    return entries.map((e) => ({ path: e.path, mode: e.mode, size: Number(e.size), linkname: e.linkname }));
  }

  /** Names of the entries directly under `dir` in a ref. */
  async readDir(ref: string, dir: string): Promise<string[]> {
    return (await this.readDirStats(ref, dir)).map((e) => e.path);
  }

  async resolveImageConfig(
    ref: string,
    opts: { platform: Platform; resolveMode: string; logName: string; sessionId: string },
  ): Promise<ResolvedImage> {
    const res = await this.call("resolveImageConfig", {
      Ref: ref,
      Platform: toPbPlatform(opts.platform),
      ResolveMode: opts.resolveMode,
      LogName: opts.logName,
      SessionID: opts.sessionId,
    });
    const config = JSON.parse(new TextDecoder().decode(res.Config)) as ImageConfigJson;
    return { digest: res.Digest, config };
  }

  async warn(req: MessageInitShape<typeof WarnRequestSchema>): Promise<void> {
    await this.call("warn", req);
  }

  async returnResult(result: ResultInit): Promise<void> {
    this.onReturn?.(result);
    await this.call("return", { result });
  }

  async returnError(error: MessageInitShape<typeof StatusSchema>): Promise<void> {
    await this.call("return", { error });
  }

  close(): void {
    this.closeClient();
    this.bridge?.close();
  }
}

export function toPbPlatform(p: Platform): MessageInitShape<typeof PlatformSchema> {
  return p.variant === undefined
    ? { OS: p.os, Architecture: p.architecture }
    : { OS: p.os, Architecture: p.architecture, Variant: p.variant };
}

function fromPbPlatform(p: PbPlatform): Platform {
  return p.Variant === "" ? { os: p.OS, architecture: p.Architecture } : { os: p.OS, architecture: p.Architecture, variant: p.Variant };
}
