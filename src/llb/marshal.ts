/**
 * State → Definition, as client/llb's `State.Marshal`: a depth-first walk
 * emits inputs before the ops that read them, each op once per digest, then a
 * terminal op naming the head output. Metadata and source locations are
 * merged per digest.
 */
import { randomBytes } from "node:crypto";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  DefinitionSchema,
  OpMetadataSchema,
  OpSchema,
  type Definition,
  type OpMetadata,
} from "../gen/pb/ops_pb.js";
import { sortedRecord } from "./bytes.js";
import { Caps } from "./caps.js";
import { digestOf } from "./digest.js";
import type { Platform } from "./platform.js";
import { SourceMapCollector } from "./source-map.js";
import type { State } from "./state.js";
import { MarshalContext, type OpMeta, type Vertex } from "./vertex.js";

export interface MarshalOptions {
  /** LLB caps the daemon reported (enabled ids); like Go's `llb.WithCaps`. */
  readonly caps?: ReadonlySet<string>;
  /** Default platform for image sources and execs whose state has none (Go's `llb.Platform`). */
  readonly platform?: Platform;
  /** The `local.unique` id for local sources without a session; random when unset, as in Go. */
  readonly localUniqueId?: string;
}

interface MetaAcc {
  ignoreCache: boolean;
  description: Map<string, string> | undefined;
  caps: Set<string>;
}

/** Marshals the graph behind `state` into a Definition. Scratch gives an empty Definition. */
export function marshal(state: State, opts: MarshalOptions = {}): Definition {
  const head = state.output();
  if (head === undefined) return create(DefinitionSchema, {});
  const ctx = new MarshalContext(opts.platform, opts.caps, opts.localUniqueId ?? newLocalUniqueId());
  const def: Uint8Array[] = [];
  const meta = new Map<string, MetaAcc>();
  const sources = new SourceMapCollector();
  const visited = new Set<Vertex>();
  const emitted = new Set<string>();

  const walk = (v: Vertex): void => {
    if (visited.has(v)) return;
    for (const inp of v.inputs()) walk(inp.vertex);
    const op = ctx.op(v);
    visited.add(v);
    mergeMeta(meta, op.digest, op.metadata);
    sources.add(op.digest, op.locations);
    if (emitted.has(op.digest)) return;
    emitted.add(op.digest);
    def.push(op.bytes);
  };
  walk(head.vertex);

  const terminal = toBinary(OpSchema, create(OpSchema, { inputs: [ctx.input(head)] }));
  def.push(terminal);
  const all = [...meta.values()];
  const terminalCaps = new Set<string>([Caps.constraints, Caps.platform]);
  if (all.some((m) => m.ignoreCache)) terminalCaps.add(Caps.metaIgnoreCache);
  if (all.some((m) => m.description !== undefined)) terminalCaps.add(Caps.metaDescription);
  mergeMeta(meta, digestOf(terminal), { ignoreCache: false, caps: terminalCaps });

  return create(DefinitionSchema, {
    def,
    metadata: sortedRecord([...meta].map(([d, m]): [string, OpMetadata] => [d, toPbMeta(m)])),
    Source: sources.toProto(),
  });
}

/** The digest of every `def` entry, in order; the last is the terminal op. */
export function definitionDigests(def: Definition): string[] {
  return def.def.map(digestOf);
}

/** The digest of the op whose output the Definition returns (the terminal op's input); undefined when empty. */
export function headDigest(def: Definition): string | undefined {
  const terminal = def.def.at(-1);
  return terminal === undefined ? undefined : fromBinary(OpSchema, terminal).inputs[0]?.digest;
}

function mergeMeta(all: Map<string, MetaAcc>, digest: string, m: OpMeta): void {
  let acc = all.get(digest);
  if (acc === undefined) {
    acc = { ignoreCache: false, description: undefined, caps: new Set() };
    all.set(digest, acc);
  }
  if (m.ignoreCache) acc.ignoreCache = true;
  if (m.description !== undefined && m.description.size > 0) {
    acc.description ??= new Map();
    for (const [k, v] of m.description) acc.description.set(k, v);
  }
  for (const c of m.caps) acc.caps.add(c);
}

function toPbMeta(m: MetaAcc): OpMetadata {
  return create(OpMetadataSchema, {
    ignoreCache: m.ignoreCache,
    description: sortedRecord(m.description ?? []),
    caps: sortedRecord([...m.caps].map((c): [string, boolean] => [c, true])),
  });
}

/** 25 base-36 characters from 136 random bits, the shape of BuildKit's identity.NewID. */
function newLocalUniqueId(): string {
  const bytes = randomBytes(17);
  bytes[0] = (bytes[0] ?? 0) | 0x80;
  return BigInt(`0x${bytes.toString("hex")}`).toString(36).slice(1, 26);
}
