/** Decoding helpers for LLB unit tests. */
import { fromBinary } from "@bufbuild/protobuf";
import { OpSchema, type Definition, type ExecOp, type FileOp, type Op, type SourceOp } from "../../src/gen/pb/ops_pb.js";

export const amd64 = { os: "linux", architecture: "amd64" } as const;

export function ops(def: Definition): Op[] {
  return def.def.map((b) => fromBinary(OpSchema, b));
}

/** The op bodies of one kind, in def order. */
export function execs(def: Definition): ExecOp[] {
  return ops(def).flatMap((op) => (op.op.case === "exec" ? [op.op.value] : []));
}

export function files(def: Definition): FileOp[] {
  return ops(def).flatMap((op) => (op.op.case === "file" ? [op.op.value] : []));
}

export function sources(def: Definition): SourceOp[] {
  return ops(def).flatMap((op) => (op.op.case === "source" ? [op.op.value] : []));
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}
