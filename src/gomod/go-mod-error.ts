/** The error go.mod and go.work parsing throws, positioned on the file. */
import { oneLineText } from "../text/one-line.js";

/** A problem in go.mod or go.work; `message` reads `go.mod:3:1: what is wrong (how to fix it)`. */
export class GoModError extends Error {
  override name = "GoModError";
  /** The problem without the file:line:col prefix. */
  readonly reason: string;

  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    reason: string,
  ) {
    // A reason may echo a huge or multi-line token back: one line, cut in the middle.
    const text = oneLineText(reason);
    super(`${file}:${line}:${col}: ${text}`);
    this.reason = text;
  }
}

/** True for a GoModError, even one from another copy of this module. */
export function isGoModError(err: unknown): err is GoModError {
  return err instanceof Error && err.name === "GoModError";
}
