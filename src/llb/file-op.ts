/**
 * The file vertex: one FileOp running a chain of actions. Action i reads the
 * state's output (first action) or the result of action i-1, which LLB names
 * as `len(inputs) + (i-1)`; only the last action's result is the op's output.
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  ChownOptSchema,
  FileActionSchema,
  FileOpSchema,
  type ChownOpt,
  type FileAction as PbFileAction,
  type Input,
} from "../gen/pb/ops_pb.js";
import { Caps } from "./caps.js";
import { LlbError } from "./errors.js";
import type { FileAction, FileActionChain, Owner } from "./file-action.js";
import { clean, isAbs, join, resolvePath } from "./go-path.js";
import {
  encodeOp,
  locationsOf,
  opMeta,
  sameInput,
  type MarshalContext,
  type MarshaledOp,
  type OpOptions,
  type Output,
  type Vertex,
} from "./vertex.js";

/** What a FileOp reads from the state it is applied to. */
export interface FileBase {
  readonly output: Output | undefined;
  readonly dir: string;
}

const KEEP = -1n;

export class FileOp implements Vertex {
  readonly kind = "file";
  readonly output: Output;
  readonly #base: FileBase;
  readonly #actions: ReadonlyArray<FileAction>;
  readonly #opts: OpOptions;

  constructor(base: FileBase, chain: FileActionChain, opts: OpOptions) {
    this.#base = base;
    this.#actions = chain.actions;
    this.#opts = opts;
    this.output = Object.freeze({ vertex: this, index: 0 });
    Object.freeze(this);
  }

  /** The base output first, then copy sources from the last action back to the first (client/llb's walk order). */
  inputs(): ReadonlyArray<Output> {
    const out: Output[] = [];
    const add = (o: Output | undefined) => {
      if (o !== undefined && !out.includes(o)) out.push(o);
    };
    for (const a of [...this.#actions].reverse()) {
      add(this.#base.output);
      if (a.kind === "copy") add(a.from.output());
    }
    return out;
  }

  marshal(ctx: MarshalContext): MarshaledOp {
    const inputs: Input[] = [];
    const addInput = (o: Output | undefined): number => {
      if (o === undefined) return -1;
      const inp = ctx.input(o);
      const i = inputs.findIndex((x) => sameInput(x, inp));
      return i === -1 ? inputs.push(inp) - 1 : i;
    };
    const planned = this.#actions.map((a) => ({
      action: a,
      base: addInput(this.#base.output),
      secondary: a.kind === "copy" ? addInput(a.from.output()) : -1,
    }));

    const parent = this.#base.dir;
    const actions = planned.map(({ action, base, secondary }, i): PbFileAction => {
      const input = i === 0 ? BigInt(base) : BigInt(inputs.length + i - 1);
      const output = i === planned.length - 1 ? 0n : -1n;
      return create(FileActionSchema, {
        input,
        secondaryInput: BigInt(secondary),
        output,
        action: toProtoAction(action, parent),
      });
    });

    const body = create(FileOpSchema, { actions });
    const { digest, bytes } = encodeOp(inputs, undefined, { case: "file", value: body });
    // client/llb computes the copy-specific caps (include/exclude patterns and
    // the like) before it has collected the actions, so only file.base ever
    // reaches the metadata; doing the same keeps the Definition identical.
    return { digest, bytes, metadata: opMeta(this.#opts, [Caps.fileBase]), locations: locationsOf(this.#opts) };
  }
}

function toProtoAction(a: FileAction, parent: string): NonNullable<MessageInitShape<typeof FileActionSchema>["action"]> {
  switch (a.kind) {
    case "mkdir":
      return {
        case: "mkdir",
        value: {
          path: resolvePath(parent, a.path, false),
          mode: a.mode & 0o777,
          makeParents: a.opts.makeParents === true,
          ...ownerField(a.opts.owner),
          timestamp: timestampNanos(a.opts.timestamp),
        },
      };
    case "mkfile":
      return {
        case: "mkfile",
        value: {
          path: resolvePath(parent, a.path, false),
          mode: a.mode & 0o777,
          data: a.data,
          ...ownerField(a.opts.owner),
          timestamp: timestampNanos(a.opts.timestamp),
        },
      };
    case "copy": {
      const o = a.opts;
      return {
        case: "copy",
        value: {
          src: sourcePath(a.src, a.from.getDir()),
          dest: resolvePath(parent, a.dest, true),
          ...ownerField(o.owner),
          mode: o.mode ?? -1,
          followSymlink: o.followSymlinks === true,
          dirCopyContents: o.copyDirContentsOnly === true,
          createDestPath: o.createDestPath === true,
          allowWildcard: o.allowWildcard === true,
          allowEmptyWildcard: o.allowEmptyWildcard === true,
          timestamp: timestampNanos(a.opts.timestamp),
          includePatterns: [...(o.includePatterns ?? [])],
          excludePatterns: [...(o.excludePatterns ?? [])],
        },
      };
    }
  }
}

/** A copy source: cleaned, and joined with the source state's dir when relative. */
function sourcePath(src: string, dir: string): string {
  const p = clean(src);
  return join(isAbs(p) ? "/" : dir, p);
}

function ownerField(owner: Owner | undefined): { owner?: ChownOpt } {
  if (owner === undefined) return {};
  return {
    owner: create(ChownOptSchema, {
      user: { user: { case: "byID", value: owner.user } },
      group: { user: { case: "byID", value: owner.group } },
    }),
  };
}

/** BuildKit reads the timestamp in nanoseconds; -1 keeps the file's own. */
function timestampNanos(seconds: number | undefined): bigint {
  if (seconds === undefined) return KEEP;
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new LlbError(`timestamp ${seconds}: want whole seconds since 1970`);
  return BigInt(seconds) * 1_000_000_000n;
}
