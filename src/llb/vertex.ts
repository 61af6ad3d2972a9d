/**
 * The graph node contract shared by source, exec and file ops, and the
 * per-marshal context they read (default platform, daemon caps) and memoise in.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { InputSchema, OpSchema, type Input, type Op } from "../gen/pb/ops_pb.js";
import { concatBytes } from "./bytes.js";
import { digestOf } from "./digest.js";
import type { Platform } from "./platform.js";
import type { SourceLocation } from "./source-map.js";

/** One output of a vertex. `platform` is what a State built on it starts with. */
export interface Output {
  readonly vertex: Vertex;
  readonly index: number;
  readonly platform?: Platform;
}

/** Metadata of one op, before it is merged per digest. */
export interface OpMeta {
  readonly ignoreCache: boolean;
  /** Present only when some option set a description (Go keeps nil apart from empty). */
  readonly description?: ReadonlyMap<string, string>;
  readonly caps: ReadonlySet<string>;
}

/** What marshalling one vertex yields. */
export interface MarshaledOp {
  readonly digest: string;
  readonly bytes: Uint8Array;
  readonly metadata: OpMeta;
  readonly locations: ReadonlyArray<SourceLocation>;
}

/** A node of the LLB graph. */
export interface Vertex {
  readonly kind: "source" | "exec" | "file";
  /** The outputs this vertex reads, in the order the depth-first walk visits them. */
  inputs(): ReadonlyArray<Output>;
  marshal(ctx: MarshalContext): MarshaledOp;
}

/** Options every op accepts (Go's ConstraintsOpt subset we use). */
export interface OpOptions {
  readonly customName?: string;
  readonly ignoreCache?: boolean;
  /** Where the op came from; several locations (e.g. in different files) are allowed. */
  readonly source?: SourceLocation | ReadonlyArray<SourceLocation>;
}

/** Settings of one `marshal` call, plus its per-vertex cache. */
export class MarshalContext {
  readonly platform: Platform | undefined;
  readonly caps: ReadonlySet<string> | undefined;
  readonly localUniqueId: string;
  readonly #done = new Map<Vertex, MarshaledOp>();

  constructor(platform: Platform | undefined, caps: ReadonlySet<string> | undefined, localUniqueId: string) {
    this.platform = platform;
    this.caps = caps;
    this.localUniqueId = localUniqueId;
  }

  /** Marshals a vertex once per context. */
  op(v: Vertex): MarshaledOp {
    let m = this.#done.get(v);
    if (m === undefined) {
      m = v.marshal(this);
      this.#done.set(v, m);
    }
    return m;
  }

  /** The `pb.Input` naming an output. */
  input(o: Output): Input {
    return create(InputSchema, { digest: this.op(o.vertex).digest, index: BigInt(o.index) });
  }
}

/** Two inputs name the same output of the same op. */
export function sameInput(a: Input, b: Input): boolean {
  return a.digest === b.digest && a.index === b.index;
}

/**
 * Metadata as client/llb derives it from an op's constraints: the custom name
 * as `llb.customname`, ignore-cache, and the caps the op uses.
 */
export function opMeta(opts: OpOptions, caps: Iterable<string>): OpMeta {
  return {
    ignoreCache: opts.ignoreCache === true,
    ...(opts.customName !== undefined ? { description: new Map([["llb.customname", opts.customName]]) } : {}),
    caps: new Set(caps),
  };
}

/**
 * Encodes an op as Go's deterministic marshaller does. Go writes the `op`
 * oneof after every other field while protobuf-es sorts all fields by number,
 * so the body is encoded on its own and appended; protobuf merge semantics
 * make the concatenation the same message. Every non-terminal op carries a
 * set (possibly empty) `constraints`.
 */
export function encodeOp(inputs: Input[], platform: Op["platform"], body: Op["op"]): { digest: string; bytes: Uint8Array } {
  const head = toBinary(
    OpSchema,
    create(OpSchema, { inputs, constraints: {}, ...(platform !== undefined ? { platform } : {}) }),
  );
  const bytes = concatBytes(head, toBinary(OpSchema, create(OpSchema, { op: body })));
  return { digest: digestOf(bytes), bytes };
}

export function locationsOf(opts: OpOptions): ReadonlyArray<SourceLocation> {
  const s = opts.source;
  if (s === undefined) return [];
  return isLocationList(s) ? [...s] : [s];
}

function isLocationList(s: SourceLocation | ReadonlyArray<SourceLocation>): s is ReadonlyArray<SourceLocation> {
  return Array.isArray(s);
}
