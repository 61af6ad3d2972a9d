/**
 * What counts as a finding. An input is fine when the code under test
 * returns, or throws one of the project's own located errors, within the
 * time and memory limits; anything else is a finding of one kind, keyed so
 * that a thousand hits of one bug are reported once.
 */

export type FindingKind =
  /** A thrown error that is not the project's own located error. */
  | "crash"
  /** The project's own error, but not one line naming a place (no position, several lines, an enormous message). */
  | "bad-error"
  /** A property the harness checks beyond "does not crash": secrets in logs, paths leaving the context, one Return. */
  | "invariant"
  /** Finished, but took longer than the slow limit. */
  | "slow"
  /** Still running at the hang limit; the worker was terminated. */
  | "hang"
  /** Waits for something that can never happen: nothing is left to run and the call never settles. */
  | "stall"
  /** The worker's heap limit was reached. */
  | "oom"
  /** The process grew by more than the memory limit while the input ran. */
  | "memory";

export const KINDS: readonly FindingKind[] = ["crash", "bad-error", "invariant", "slow", "hang", "stall", "oom", "memory"];

/** A thrown value, reduced to what can cross a worker boundary and be compared. */
export interface ErrorSummary {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  /** Frames as "fn (file:line)", files relative to the repository. */
  readonly frames: readonly string[];
  /** Where the bug is when it is not the first frame (set by a target through `blame`). */
  readonly blame?: string;
}

/** Mark an error with where its bug is, when that is not where it was thrown. */
export function blame<E extends Error>(err: E, where: string): E {
  return Object.assign(err, { fuzzBlame: where });
}

/** A target's verdict on an error its code threw. */
export type Judgement =
  | { readonly verdict: "located" }
  | { readonly verdict: "foreign" }
  | { readonly verdict: "bad-error"; readonly why: string }
  | { readonly verdict: "invariant"; readonly why: string };

/** Thrown by a target when a property it checks does not hold; `property` names it (the key), `detail` says how this input broke it. */
export class InvariantViolation extends Error {
  override name = "InvariantViolation";
  constructor(
    readonly property: string,
    detail?: string,
  ) {
    super(detail === undefined ? property : `${property}: ${detail}`);
  }
}

/** How one input's run ended. */
export type RunEnd =
  | { readonly end: "returned"; readonly ms: number; readonly error?: ErrorSummary; readonly judgement?: Judgement }
  | { readonly end: "stalled"; readonly ms: number; readonly waitingFor?: string }
  | { readonly end: "killed"; readonly reason: "hang" | "oom" | "memory"; readonly ms?: number; readonly wallMs?: number; readonly mb?: number; readonly frames?: readonly string[] };

export interface Limits {
  /** An input that takes more than this many milliseconds of CPU is slow. */
  readonly slowMs: number;
  /** The growth, in MiB, above which an input is a memory finding. */
  readonly memoryMb: number;
}

export const DEFAULT_LIMITS: Limits = { slowMs: 1000, memoryMb: 256 };

export interface Finding {
  readonly target: string;
  readonly kind: FindingKind;
  /** (target, kind, error class + first project frame), or the input family for resource findings. */
  readonly key: string;
  /** One line: what happened and where. */
  readonly summary: string;
  readonly family: string;
  readonly error?: ErrorSummary;
  readonly ms?: number;
  readonly mb?: number;
}

const MAX_MESSAGE = 4000;

/** The parts of a thrown value worth keeping; `root` is stripped from file paths. */
export function summarizeError(err: unknown, root: string): ErrorSummary {
  if (!(err instanceof Error)) return { name: typeof err, message: clip(String(err)), frames: [] };
  const { code, fuzzBlame } = err as { code?: unknown; fuzzBlame?: unknown };
  return {
    name: err.name || err.constructor.name,
    message: clip(err.message),
    ...(typeof code === "string" ? { code } : {}),
    frames: frames(err.stack ?? "", root),
    ...(typeof fuzzBlame === "string" ? { blame: fuzzBlame } : {}),
  };
}

function clip(s: string): string {
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}… (${s.length} chars)` : s;
}

/** "at fn (file:///root/src/x.ts:12:5)" → "fn (src/x.ts:12)". */
export function frames(stack: string, root: string): string[] {
  const out: string[] = [];
  const prefix = root.endsWith("/") ? root : `${root}/`;
  for (const line of stack.split("\n")) {
    const m = /^\s+at (?:(.*?) \()?(.*?)(?::(\d+))?(?::\d+)?\)?$/.exec(line);
    if (m === null) continue;
    const fn = m[1] ?? "<anonymous>";
    let file = (m[2] ?? "").replace(/^file:\/\//, "");
    if (file.startsWith(prefix)) file = file.slice(prefix.length);
    file = file.replace(/^.*\/node_modules\//, "node_modules/");
    out.push(`${fn} (${file}${m[3] ? `:${m[3]}` : ""})`);
  }
  return out;
}

/** The frame a bug is reported at: the first in the project's own code, else the first at all. */
export function blameFrame(e: ErrorSummary): string {
  return e.blame ?? e.frames.find((f) => /\((src|bin)\//.test(f)) ?? e.frames.find((f) => !f.includes("(node:")) ?? e.frames[0] ?? "no stack";
}

export function errorClass(e: ErrorSummary): string {
  return e.code === undefined ? e.name : `${e.name}[${e.code}]`;
}

/** Digits and quoted values vary between hits of one cause; the key keeps the shape. */
function shape(why: string): string {
  return why.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, "N").slice(0, 200);
}

function firstLine(s: string, max = 160): string {
  const line = s.split("\n", 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** The finding an input's run amounts to, or undefined when it is fine. */
export function classify(target: string, family: string, run: RunEnd, limits: Limits = DEFAULT_LIMITS): Finding | undefined {
  const base = { target, family };
  if (run.end === "killed") {
    const what = run.reason === "hang" ? `still running after ${((run.ms ?? 0) / 1000).toFixed(1)} s of CPU${run.wallMs !== undefined ? ` (${Math.round(run.wallMs / 1000)} s)` : ""}` : run.reason === "oom" ? "worker heap limit reached" : `grew by ${run.mb ?? "?"} MiB`;
    // A hang stopped by the debugger says where it was; that, not the family, is the bug.
    const at = run.frames !== undefined && run.frames.length > 0 ? blameFrame({ name: "", message: "", frames: run.frames }) : undefined;
    return {
      ...base,
      kind: run.reason,
      key: `${target}|${run.reason}|${at ?? family}`,
      summary: `${run.reason}: ${what}${at ? ` in ${at}` : ""}`,
      ...(run.frames !== undefined && run.frames.length > 0 ? { error: { name: "Hang", message: what, frames: run.frames } } : {}),
      ...(run.ms !== undefined ? { ms: run.ms } : {}),
      ...(run.mb !== undefined ? { mb: run.mb } : {}),
    };
  }
  if (run.end === "stalled") {
    const what = run.waitingFor ?? "waits for something that never comes";
    return { ...base, kind: "stall", key: `${target}|stall|${run.waitingFor ?? family}`, summary: `stall: ${what}, with nothing left to run`, ms: run.ms };
  }
  const { error, judgement } = run;
  if (error !== undefined && judgement !== undefined && judgement.verdict !== "located") {
    const frame = blameFrame(error);
    if (judgement.verdict === "foreign") {
      return {
        ...base,
        kind: "crash",
        key: `${target}|crash|${errorClass(error)}|${frame}`,
        summary: `crash: ${errorClass(error)}: ${firstLine(error.message)} at ${frame}`,
        error,
        ms: run.ms,
      };
    }
    const kind = judgement.verdict;
    return {
      ...base,
      kind,
      key: kind === "invariant" ? `${target}|invariant|${shape(judgement.why)}` : `${target}|bad-error|${errorClass(error)}|${shape(judgement.why)}`,
      summary: kind === "invariant" ? `invariant: ${firstLine(error.message, 200)}` : `bad-error: ${firstLine(judgement.why)} (${errorClass(error)}: ${firstLine(error.message, 80)})`,
      error,
      ms: run.ms,
    };
  }
  if (run.ms > limits.slowMs) {
    return { ...base, kind: "slow", key: `${target}|slow|${family}`, summary: `slow: ${Math.round(run.ms)} ms of CPU`, ms: run.ms };
  }
  return undefined;
}

/** Why `message` is not a good one-line error, or undefined when it is. */
export function oneLineProblem(message: string, maxLength = 2000): string | undefined {
  if (message.trim() === "") return "empty message";
  if (message.includes("\n")) return "message spans several lines";
  if (message.length > maxLength) return `message of ${message.length} characters (over ${maxLength})`;
  return undefined;
}

/** Why (line, col) is not a position in a text of `lines` lines, or undefined when it is. */
export function positionProblem(line: number, col: number, lines: number): string | undefined {
  if (!Number.isInteger(line) || !Number.isInteger(col) || line < 1 || col < 1) return `position ${line}:${col} is not 1-based`;
  if (line > lines + 1) return `line ${line} is past the end of a ${lines}-line file`;
  return undefined;
}
