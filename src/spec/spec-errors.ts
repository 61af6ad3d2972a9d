/** Spec problems: each positioned on the file, all reported together. */
import { MAX_LISTED_PROBLEMS, oneLineText } from "./limits.js";

/** One problem in the spec file; lines and columns are 1-based, the end is exclusive. */
export interface SpecError {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
  /** The value's path, e.g. "env.FOO" or "ports[1]"; "" for the file or an unknown field. */
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
}

/** `slimgo.yaml:3:1: ports[1]: message (hint)`. */
export function formatSpecError(e: SpecError): string {
  const path = e.path === "" ? "" : `${oneLineText(e.path)}: `;
  const hint = e.hint === undefined ? "" : ` (${oneLineText(e.hint)})`;
  return `${e.file}:${e.line}:${e.col}: ${path}${oneLineText(e.message)}${hint}`;
}

/** Every problem found in a spec, in file order; `message` holds one formatted line per problem. */
export class SpecErrors extends Error {
  override name = "SpecErrors";

  constructor(readonly errors: readonly SpecError[]) {
    super(listProblems(errors));
  }
}

// Hostile text can hold a problem per character; the message lists the first ones and counts the rest.
function listProblems(errors: readonly SpecError[]): string {
  const lines = errors.slice(0, MAX_LISTED_PROBLEMS).map(formatSpecError);
  const next = errors[MAX_LISTED_PROBLEMS];
  if (next !== undefined) lines.push(`${next.file}: ${errors.length - MAX_LISTED_PROBLEMS} more problems not listed (fix the ones above first)`);
  return lines.join("\n");
}

/** True for a SpecErrors, even one from another copy of this module. */
export function isSpecErrors(err: unknown): err is SpecErrors {
  return err instanceof Error && err.name === "SpecErrors";
}

/** Sorts problems by position, so the first one printed is the first in the file. */
export function byPosition(a: SpecError, b: SpecError): number {
  return a.line - b.line || a.col - b.col;
}
