/** Spec ranges (1-based line/col) → LLB source locations, so BuildKit points failures at the spec line. */
import { type SourceFile, type SourceLocation } from "../llb/index.js";
import type { SpecRange } from "../plan/types.js";

export function specLocation(file: SourceFile | undefined, range: SpecRange | undefined): SourceLocation | undefined {
  if (file === undefined || range === undefined) return undefined;
  return {
    file,
    ranges: [
      {
        start: { line: range.start.line, character: range.start.col },
        end: { line: range.end.line, character: range.end.col },
      },
    ],
  };
}
