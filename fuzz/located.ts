/**
 * The project's own errors, and what makes each one "located": one line that
 * says what is wrong and where. A spec or go.mod error must point at a real
 * line of its file; the binary and image readers name their file themselves.
 */
import { ImageError } from "../src/cli/image-files.js";
import { ElfError } from "../src/elf/index.js";
import { LaunchError } from "../src/gateway/options.js";
import { GoModError } from "../src/gomod/index.js";
import { LlbError } from "../src/llb/index.js";
import { PlatformError } from "../src/plan/index.js";
import { MissingFileError } from "../src/server/project-source.js";
import { UserError } from "../src/server/errors.js";
import { SpecErrors, formatSpecError } from "../src/spec/index.js";
import { GitObjectError } from "../src/vcs/index.js";
import { type Judgement, oneLineProblem, positionProblem } from "./oracle.js";

/** The classes a target accepts, by name. */
export type ErrorClass = "SpecErrors" | "GoModError" | "ElfError" | "ImageError" | "LaunchError" | "PlatformError" | "LlbError" | "UserError" | "MissingFileError" | "GitObjectError";

const CLASSES: Readonly<Record<ErrorClass, abstract new (...args: never[]) => Error>> = {
  SpecErrors,
  GoModError,
  ElfError,
  ImageError,
  LaunchError,
  PlatformError,
  LlbError,
  UserError,
  MissingFileError,
  GitObjectError,
};

const LOCATED: Judgement = { verdict: "located" };
const lineCount = (text: string) => text.split("\n").length;

/**
 * The judge for a target that accepts `accepted`; `files` gives the text of
 * each file an error may point into, by the name the error uses.
 */
export function judgeWith(accepted: readonly ErrorClass[], files: (input: Uint8Array) => ReadonlyMap<string, string>) {
  return (err: unknown, input: Uint8Array): Judgement => {
    const cls = accepted.find((c) => err instanceof CLASSES[c]);
    if (cls === undefined) return { verdict: "foreign" };
    if (err instanceof SpecErrors) {
      if (err.errors.length === 0) return { verdict: "bad-error", why: "SpecErrors without a problem" };
      const texts = files(input);
      for (const e of err.errors) {
        const text = texts.get(e.file);
        const why =
          (text === undefined ? `points into ${e.file}, which is not the spec` : positionProblem(e.line, e.col, lineCount(text))) ??
          (e.endLine < e.line || (e.endLine === e.line && e.endCol < e.col) ? `range ends before it starts (${e.line}:${e.col}-${e.endLine}:${e.endCol})` : undefined) ??
          oneLineProblem(formatSpecError(e));
        if (why !== undefined) return { verdict: "bad-error", why };
      }
      return LOCATED;
    }
    if (err instanceof GoModError) {
      const text = files(input).get(err.file);
      const why = (text === undefined ? undefined : positionProblem(err.line, err.col, lineCount(text))) ?? oneLineProblem(err.message);
      return why === undefined ? LOCATED : { verdict: "bad-error", why };
    }
    const why = oneLineProblem((err as Error).message);
    return why === undefined ? LOCATED : { verdict: "bad-error", why };
  };
}
