/** Source vertices: `docker-image://` and `local://`, with the attrs and caps client/llb gives them. */
import { create } from "@bufbuild/protobuf";
import { SourceOpSchema, type Platform as PbPlatform } from "../gen/pb/ops_pb.js";
import { sortedRecord } from "./bytes.js";
import { Caps } from "./caps.js";
import { LlbError } from "./errors.js";
import { toPbPlatform, type Platform } from "./platform.js";
import {
  encodeOp,
  locationsOf,
  opMeta,
  type MarshalContext,
  type MarshaledOp,
  type OpOptions,
  type Output,
  type Vertex,
} from "./vertex.js";

export interface SourceOpInit {
  /** `docker-image://…`, `local://…` */
  readonly identifier: string;
  readonly attrs: ReadonlyMap<string, string>;
  readonly caps: ReadonlySet<string>;
  /** The op's own platform; image sources fall back to the marshal default. */
  readonly platform?: Platform;
  readonly options: OpOptions;
}

/** A source op. Image and OCI layout sources carry a platform; others do not. */
export class SourceOp implements Vertex {
  readonly kind = "source";
  readonly output: Output;
  readonly #init: SourceOpInit;

  constructor(init: SourceOpInit) {
    if (init.identifier === "") throw new LlbError("source identifier is empty");
    this.#init = init;
    this.output = Object.freeze({ vertex: this, index: 0, ...(init.platform ? { platform: init.platform } : {}) });
    Object.freeze(this);
  }

  get identifier(): string {
    return this.#init.identifier;
  }

  inputs(): ReadonlyArray<Output> {
    return [];
  }

  marshal(ctx: MarshalContext): MarshaledOp {
    const { identifier, options } = this.#init;
    const attrs = new Map(this.#init.attrs);
    const caps = new Set(this.#init.caps);
    // Without a session, a local source is made unique per marshal so two
    // clients never share its cache by accident.
    if (identifier.startsWith("local://") && !attrs.has("local.session")) {
      attrs.set("local.unique", ctx.localUniqueId);
      caps.add(Caps.sourceLocalUnique);
    }
    let platform: PbPlatform | undefined;
    if (isPlatformSpecific(identifier)) {
      const p = this.#init.platform ?? ctx.platform;
      if (p === undefined) {
        throw new LlbError(
          `${identifier}: no platform; pass image(ref, { platform }) or marshal(state, { platform })`,
        );
      }
      platform = toPbPlatform(p);
    }
    const body = create(SourceOpSchema, { identifier, attrs: sortedRecord(attrs) });
    const { digest, bytes } = encodeOp([], platform, { case: "source", value: body });
    return { digest, bytes, metadata: opMeta(options, caps), locations: locationsOf(options) };
  }
}

function isPlatformSpecific(identifier: string): boolean {
  return identifier.startsWith("docker-image://") || identifier.startsWith("oci-layout://");
}
