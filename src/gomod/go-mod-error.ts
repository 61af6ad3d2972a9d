/** The error go.mod and go.work parsing throws, positioned on the file. */

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
    super(`${file}:${line}:${col}: ${reason}`);
    this.reason = reason;
  }
}

/** True for a GoModError, even one from another copy of this module. */
export function isGoModError(err: unknown): err is GoModError {
  return err instanceof Error && err.name === "GoModError";
}
