/**
 * The exec vertex: a command run on a root filesystem plus mounts. Mounts are
 * validated and sorted by destination once, here; output indexes follow that
 * order and skip read-only, cache and tmpfs mounts, as client/llb numbers them.
 */
import { create } from "@bufbuild/protobuf";
import {
  CacheSharingOpt,
  ExecOpSchema,
  MountContentCache,
  MountSchema,
  MountType,
  NetMode,
  type Input,
  type Mount,
} from "../gen/pb/ops_pb.js";
import { compareUtf8 } from "./bytes.js";
import { Caps, DEFAULT_PATH_ENV_UNIX } from "./caps.js";
import { LlbError } from "./errors.js";
import { toPbPlatform, type Platform } from "./platform.js";
import type { SourceLocation } from "./source-map.js";
import type { State } from "./state.js";
import {
  encodeOp,
  locationsOf,
  opMeta,
  sameInput,
  type MarshalContext,
  type MarshaledOp,
  type Output,
  type Vertex,
} from "./vertex.js";

export type { NetworkMode } from "../types.js";
import type { NetworkMode } from "../types.js";
export type CacheSharing = "shared" | "private" | "locked";

/** A mount of an exec. Without `source` it starts empty (scratch). */
export interface MountOptions {
  readonly dest: string;
  readonly source?: State;
  /** Path inside `source` to mount instead of its root. */
  readonly selector?: string;
  readonly readonly?: boolean;
  readonly cache?: { readonly id: string; readonly sharing: CacheSharing };
  readonly tmpfs?: { readonly size?: number };
  /** A build secret from the client's session, as a file at `dest` (mode 0400 by default). */
  readonly secret?: SessionMount;
  /** An SSH agent socket from the client's session at `dest` (mode 0600 by default). */
  readonly ssh?: SessionMount;
  /**
   * Whether BuildKit may key the exec on the mounted content rather than on
   * the step that made it. Dropped when the daemon lacks the capability:
   * its default is then what happens.
   */
  readonly contentCache?: "on" | "off";
}

/** Something the client's session serves into a step: a secret or an SSH agent, by id. */
export interface SessionMount {
  readonly id: string;
  /** Run the step even when the client does not have it. */
  readonly optional?: boolean;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
}

export interface RunOptions {
  readonly args: readonly string[];
  /** Added on top of the state's env, in order. */
  readonly env?: ReadonlyArray<readonly [string, string]>;
  /** Relative paths join the state's working dir. */
  readonly dir?: string;
  readonly user?: string;
  readonly mounts?: readonly MountOptions[];
  readonly network?: NetworkMode;
  readonly customName?: string;
  readonly ignoreCache?: boolean;
  readonly source?: SourceLocation | ReadonlyArray<SourceLocation>;
}

/** The state values an exec reads, after the run options are applied. */
export interface ExecBase {
  readonly output: Output | undefined;
  readonly dir: string;
  readonly env: ReadonlyArray<readonly [string, string]>;
  readonly user: string;
  readonly platform: Platform | undefined;
  readonly network: NetworkMode;
}

interface ExecMount {
  readonly dest: string;
  readonly source: Output | undefined;
  readonly selector: string;
  readonly readonly: boolean;
  readonly cache: MountOptions["cache"];
  readonly tmpfsSize: number | undefined;
  readonly session: SessionMountSpec | undefined;
  readonly contentCache: MountOptions["contentCache"];
  /** Index among the exec's outputs, or -1 when the mount has none. */
  readonly output: number;
}

/** What `getMount(dest)` resolves to: an output (undefined = scratch), or why there is none. */
type MountResult = { readonly output: Output | undefined } | { readonly error: string };

const NET_MODE: Readonly<Record<NetworkMode, NetMode>> = { sandbox: NetMode.UNSET, host: NetMode.HOST, none: NetMode.NONE };
const SHARING: Readonly<Record<CacheSharing, CacheSharingOpt>> = {
  shared: CacheSharingOpt.SHARED,
  private: CacheSharingOpt.PRIVATE,
  locked: CacheSharingOpt.LOCKED,
};

export class ExecOp implements Vertex {
  readonly kind = "exec";
  readonly root: Output;
  readonly #base: ExecBase;
  readonly #opts: RunOptions;
  readonly #mounts: readonly ExecMount[];
  readonly #results: ReadonlyMap<string, MountResult>;

  constructor(base: ExecBase, opts: RunOptions) {
    if (opts.args.length === 0) throw new LlbError("run: args are required");
    this.#base = base;
    this.#opts = opts;
    const specs: MountSpec[] = [{ dest: "/", source: base.output }, ...(opts.mounts ?? []).map(checkMount)];
    const seen = new Set<string>();
    for (const s of specs) {
      if (seen.has(s.dest)) throw new LlbError(`run ${JSON.stringify(opts.args[0])}: two mounts at ${s.dest}`);
      seen.add(s.dest);
    }
    specs.sort((a, b) => compareUtf8(a.dest, b.dest));
    let next = 0;
    const results = new Map<string, MountResult>();
    this.#mounts = specs.map((m): ExecMount => {
      const hasOutput = !m.readonly && m.cache === undefined && m.tmpfsSize === undefined && m.session === undefined;
      const mount: ExecMount = {
        dest: m.dest,
        source: m.source,
        selector: m.selector ?? "",
        readonly: m.readonly === true,
        cache: m.cache,
        tmpfsSize: m.tmpfsSize,
        session: m.session,
        contentCache: m.contentCache,
        output: hasOutput ? next++ : -1,
      };
      results.set(m.dest, mountResult(this, mount));
      return mount;
    });
    this.#results = results;
    const root = results.get("/");
    if (root === undefined || !("output" in root) || root.output === undefined) throw new LlbError("run: root mount has no output");
    this.root = root.output;
    Object.freeze(this);
  }

  /** The output a mount leaves behind; throws for tmpfs and cache mounts and unknown destinations. */
  mountOutput(dest: string): Output | undefined {
    const r = this.#results.get(dest);
    if (r === undefined) throw new LlbError(`getMount: no mount at ${dest}`);
    if ("error" in r) throw new LlbError(`getMount: ${r.error}`);
    return r.output;
  }

  inputs(): ReadonlyArray<Output> {
    const out: Output[] = [];
    for (const m of this.#mounts) if (m.source !== undefined && !out.includes(m.source)) out.push(m.source);
    return out;
  }

  marshal(ctx: MarshalContext): MarshaledOp {
    const base = this.#base;
    const caps = new Set<string>();
    const env = [...base.env];
    if (ctx.caps !== undefined) {
      if (ctx.caps.has(Caps.execMetaSetsDefaultPath)) {
        caps.add(Caps.execMetaSetsDefaultPath);
      } else {
        // An older daemon runs the command with no PATH at all unless the client supplies one.
        const os = ctx.platform?.os ?? base.platform?.os ?? "linux";
        if (os !== "windows" && !env.some(([k]) => k === "PATH")) env.push(["PATH", DEFAULT_PATH_ENV_UNIX]);
      }
    }
    if (base.network !== "sandbox") caps.add(Caps.execMetaNetwork);
    caps.add(Caps.execMetaBase);

    const platform = base.platform ?? ctx.platform;
    if (platform === undefined) {
      throw new LlbError(
        `run ${JSON.stringify(this.#opts.args[0])}: no platform; set one on the state or pass marshal(state, { platform })`,
      );
    }

    const inputs: Input[] = [];
    const mounts: Mount[] = [];
    for (const m of this.#mounts) {
      if (m.selector !== "") caps.add(Caps.execMountSelector);
      if (m.cache !== undefined) {
        caps.add(Caps.execMountCache);
        caps.add(Caps.execMountCacheSharing);
      } else if (m.tmpfsSize !== undefined) {
        caps.add(Caps.execMountTmpfs);
        if (m.tmpfsSize > 0) caps.add(Caps.execMountTmpfsSize);
      } else if (m.session !== undefined) {
        caps.add(m.session.kind === "secret" ? Caps.execMountSecret : Caps.execMountSsh);
      } else if (m.source !== undefined) {
        caps.add(Caps.execMountBind);
      }
      const contentCache = m.contentCache !== undefined && (ctx.caps === undefined || ctx.caps.has(Caps.execMountContentCache)) ? m.contentCache : undefined;
      if (contentCache !== undefined) caps.add(Caps.execMountContentCache);
      let input = -1;
      if (m.source !== undefined) {
        const inp = ctx.input(m.source);
        input = inputs.findIndex((x) => sameInput(x, inp));
        if (input === -1) input = inputs.push(inp) - 1;
      }
      mounts.push(
        create(MountSchema, {
          input: BigInt(input),
          selector: m.selector,
          dest: m.dest,
          output: BigInt(m.output),
          readonly: m.readonly,
          ...(m.cache !== undefined
            ? { mountType: MountType.CACHE, cacheOpt: { ID: m.cache.id, sharing: SHARING[m.cache.sharing] } }
            : {}),
          ...(m.tmpfsSize !== undefined ? { mountType: MountType.TMPFS, TmpfsOpt: { size: BigInt(m.tmpfsSize) } } : {}),
          ...(m.session !== undefined ? sessionMountFields(m.session) : {}),
          ...(contentCache !== undefined ? { contentCache: contentCache === "on" ? MountContentCache.ON : MountContentCache.OFF } : {}),
        }),
      );
    }

    const body = create(ExecOpSchema, {
      meta: {
        args: [...this.#opts.args],
        env: env.map(([k, v]) => `${k}=${v}`),
        cwd: base.dir,
        user: base.user,
        removeMountStubsRecursive: true,
      },
      mounts,
      network: NET_MODE[base.network],
    });
    const { digest, bytes } = encodeOp(inputs, toPbPlatform(platform), { case: "exec", value: body });
    return { digest, bytes, metadata: opMeta(this.#opts, caps), locations: locationsOf(this.#opts) };
  }
}

interface MountSpec {
  readonly dest: string;
  readonly source: Output | undefined;
  readonly selector?: string;
  readonly readonly?: boolean;
  readonly cache?: MountOptions["cache"];
  readonly tmpfsSize?: number;
  readonly session?: SessionMountSpec;
  readonly contentCache?: MountOptions["contentCache"];
}

interface SessionMountSpec extends SessionMount {
  readonly kind: "secret" | "ssh";
}

/** The Mount fields of a secret or SSH mount, with the Go client's default modes. */
function sessionMountFields(s: SessionMountSpec) {
  const opt = { ID: s.id, uid: s.uid ?? 0, gid: s.gid ?? 0, optional: s.optional === true };
  return s.kind === "secret"
    ? { mountType: MountType.SECRET, secretOpt: { ...opt, mode: s.mode ?? 0o400 } }
    : { mountType: MountType.SSH, SSHOpt: { ...opt, mode: s.mode ?? 0o600 } };
}

function checkMount(m: MountOptions): MountSpec {
  const source = m.source?.output();
  if (m.tmpfs !== undefined && source !== undefined) throw new LlbError(`mount ${m.dest}: a tmpfs mount cannot have a source`);
  if (m.tmpfs !== undefined && m.cache !== undefined) throw new LlbError(`mount ${m.dest}: choose cache or tmpfs, not both`);
  const session: SessionMountSpec | undefined = m.secret ? { kind: "secret", ...m.secret } : m.ssh ? { kind: "ssh", ...m.ssh } : undefined;
  if (session !== undefined) {
    if (m.secret && m.ssh) throw new LlbError(`mount ${m.dest}: choose secret or ssh, not both`);
    if (source !== undefined || m.cache !== undefined || m.tmpfs !== undefined) throw new LlbError(`mount ${m.dest}: a ${session.kind} mount cannot also be a bind, cache or tmpfs mount`);
    if (session.id === "") throw new LlbError(`mount ${m.dest}: ${session.kind} id is empty`);
  }
  const size = m.tmpfs?.size;
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) throw new LlbError(`mount ${m.dest}: tmpfs size must be a non-negative integer`);
  return {
    dest: m.dest,
    source,
    ...(m.selector !== undefined ? { selector: m.selector } : {}),
    ...(m.readonly !== undefined ? { readonly: m.readonly } : {}),
    ...(m.cache !== undefined ? { cache: m.cache } : {}),
    ...(m.tmpfs !== undefined ? { tmpfsSize: size ?? 0 } : {}),
    ...(session !== undefined ? { session } : {}),
    ...(m.contentCache !== undefined ? { contentCache: m.contentCache } : {}),
  };
}

function mountResult(exec: ExecOp, m: ExecMount): MountResult {
  if (m.readonly) return { output: m.source };
  if (m.tmpfsSize !== undefined) return { error: `tmpfs mount ${m.dest} has no output` };
  if (m.cache !== undefined) return { error: `cache mount ${m.dest} has no output` };
  if (m.session !== undefined) return { error: `${m.session.kind} mount ${m.dest} has no output` };
  return { output: Object.freeze({ vertex: exec, index: m.output }) };
}
