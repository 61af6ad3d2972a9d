/** The verdict on a binary's use of cgo, from its go list report: the build and `slimgo check` both ask here. */
import type { BinaryPlan, SpecRange } from "../plan/types.js";
import { UserError } from "./errors.js";
import type { GoListReport } from "./go-list-report.js";

/** A UserError on the spec's cgo line when cgo is off and the module has C code; undefined when all is well. */
export function cgoVerdict(bin: BinaryPlan, report: GoListReport, cgoRange: SpecRange): UserError | undefined {
  if (bin.cgo || report.cgoInModule.length === 0) return undefined;
  const uses = report.cgoInModule.length === 1 ? "uses" : "use";
  return new UserError(
    `cgo is off, but ${report.cgoInModule.join(", ")} ${uses} cgo (import "C"): set \`cgo: true\` (the image then ships the C libraries it needs), or remove the C code`,
    { file: "spec", line: cgoRange.start.line, col: cgoRange.start.col },
  );
}
