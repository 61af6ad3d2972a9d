/** What a frontend's Solve asks for, told from its definition: the spec, the context's files, a Go build, or an image. */
import { fromBinary } from "@bufbuild/protobuf";
import { OpSchema } from "../../src/gen/pb/ops_pb.js";

export type SolvedKind = { kind: "spec" } | { kind: "context" } | { kind: "build"; goarch: string } | { kind: "image" };

/** The `dockerfile` local, the `context` local alone, an exec at the head (with its GOARCH), or anything else. */
export function solvedKind(defs: readonly Uint8Array[]): SolvedKind {
  const first = defs[0] ? fromBinary(OpSchema, defs[0]) : undefined;
  const head = defs.length >= 2 ? fromBinary(OpSchema, defs[defs.length - 2] as Uint8Array) : undefined;
  const ident = first?.op.case === "source" ? first.op.value.identifier : "";
  if (ident === "local://dockerfile") return { kind: "spec" };
  if (ident === "local://context" && defs.length === 2) return { kind: "context" };
  if (head?.op.case === "exec") return { kind: "build", goarch: head.op.value.meta?.env.find((e) => e.startsWith("GOARCH="))?.slice(7) ?? "" };
  return { kind: "image" };
}
