/**
 * A marshalled Definition as a Graphviz digraph: one box per op, an edge
 * per input, named by the step's progress name when it has one. Reads only
 * the wire form, so it draws any LLB, not just ours.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { type Definition, type Op, OpSchema } from "../gen/pb/ops_pb.js";
import { definitionDigests } from "./marshal.js";

/**
 * Graphviz source for one or more definitions (e.g. one per platform), ops
 * they share drawn once; terminal ops (the solve targets) are left out.
 */
export function toDot(defs: readonly Definition[], title = "llb"): string {
  const digests: string[] = [];
  const ops: Op[] = [];
  const metadata: Definition["metadata"] = {};
  for (const def of defs) {
    const ds = definitionDigests(def);
    def.def.forEach((bytes, i) => {
      const d = ds[i] ?? "";
      if (digests.includes(d)) return;
      digests.push(d);
      ops.push(fromBinary(OpSchema, bytes));
      const meta = def.metadata[d];
      if (meta !== undefined) metadata[d] = meta;
    });
  }
  const def = { metadata };
  const ids = new Map(digests.map((d, i) => [d, `n${i}`]));
  const lines = [`digraph ${quote(title)} {`, "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fillcolor="#f4f6f8", fontname="Helvetica", fontsize=11];', '  edge [color="#6b7785"];'];
  ops.forEach((op, i) => {
    const digest = digests[i] ?? "";
    if (op.op.case === undefined) return;
    const name = def.metadata[digest]?.description["llb.customname"];
    const label = name ?? describeOp(op);
    lines.push(`  ${ids.get(digest)} [label=${quote(wrap(label))}, fillcolor=${quote(colour(op))}];`);
  });
  ops.forEach((op, i) => {
    if (op.op.case === undefined) return;
    const to = ids.get(digests[i] ?? "");
    for (const input of op.inputs) {
      const from = ids.get(input.digest);
      if (from !== undefined && to !== undefined) lines.push(`  ${from} -> ${to};`);
    }
  });
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

function describeOp(op: Op): string {
  switch (op.op.case) {
    case "source":
      return op.op.value.identifier;
    case "exec":
      return (op.op.value.meta?.args ?? []).join(" ");
    case "file":
      return op.op.value.actions.map((a) => a.action.case ?? "").join(", ");
    default:
      return op.op.case ?? "";
  }
}

// Sources, steps that run programs, and file copies read apart at a glance.
function colour(op: Op): string {
  switch (op.op.case) {
    case "source":
      return "#dbeafe";
    case "exec":
      return "#fde68a";
    case "file":
      return "#dcfce7";
    default:
      return "#f4f6f8";
  }
}

function wrap(s: string, width = 48): string {
  const short = s.length > 160 ? `${s.slice(0, 157)}...` : s;
  const out: string[] = [];
  let line = "";
  for (const word of short.split(" ")) {
    if (line !== "" && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  out.push(line);
  return out.join("\n");
}

function quote(s: string): string {
  return `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`;
}
