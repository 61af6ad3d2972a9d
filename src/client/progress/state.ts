/** The build's steps as Control.Status reports them, merged update by update. */
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type { StatusResponse, VertexStatus, VertexWarning } from "../../gen/control/control_pb.js";

/** Lines of a step's log kept for the live view and for a failed step's report. */
const KEEP_LINES = 12;
/** A log line longer than this is cut: a step printing without newlines must not grow memory. */
const MAX_LINE = 16 << 10;

export interface StepState {
  readonly digest: string;
  /** `#N`: the order in which the step first appeared. */
  readonly index: number;
  name: string;
  cached: boolean;
  started: number | undefined;
  completed: number | undefined;
  error: string;
  readonly statuses: Map<string, VertexStatus>;
  /** The last few complete log lines. */
  readonly tail: string[];
  /** An unfinished log line. */
  partial: string;
}

export interface LogLine {
  readonly step: StepState;
  readonly at: number;
  readonly text: string;
}

export function millis(t: Timestamp | undefined): number | undefined {
  return t === undefined ? undefined : Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6);
}

export class ProgressState {
  readonly steps = new Map<string, StepState>();
  readonly warnings: VertexWarning[] = [];
  /** First time seen, for the elapsed time of the whole build. */
  startedAt: number | undefined;

  /** Merge one update; returns the log lines it completed, in order. */
  apply(s: StatusResponse): LogLine[] {
    for (const v of s.vertexes) {
      const step = this.step(v.digest);
      if (v.name) step.name = v.name;
      step.cached = v.cached;
      step.started = millis(v.started) ?? step.started;
      step.completed = millis(v.completed) ?? step.completed;
      if (v.error) step.error = v.error;
      if (step.started !== undefined && (this.startedAt === undefined || step.started < this.startedAt)) this.startedAt = step.started;
    }
    for (const st of s.statuses) this.step(st.vertex).statuses.set(st.ID, st);
    const lines: LogLine[] = [];
    for (const log of s.logs) {
      const step = this.step(log.vertex);
      const at = millis(log.timestamp) ?? 0;
      const text = step.partial + new TextDecoder().decode(log.msg);
      const parts = text.split(/\r?\n/);
      step.partial = (parts.pop() ?? "").slice(-MAX_LINE);
      for (const part of parts) {
        const line = part.slice(0, MAX_LINE);
        lines.push({ step, at, text: line });
        step.tail.push(line);
        if (step.tail.length > KEEP_LINES) step.tail.shift();
      }
    }
    this.warnings.push(...s.warnings);
    return lines;
  }

  /** Steps in order of appearance. */
  ordered(): StepState[] {
    return [...this.steps.values()].sort((a, b) => a.index - b.index);
  }

  private step(digest: string): StepState {
    let step = this.steps.get(digest);
    if (step === undefined) {
      step = { digest, index: this.steps.size + 1, name: "", cached: false, started: undefined, completed: undefined, error: "", statuses: new Map(), tail: [], partial: "" };
      this.steps.set(digest, step);
    }
    return step;
  }
}

/** `1.2s`, as buildx prints durations. */
export function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}

/** Bytes as buildx shows transfer sizes (`98B`, `2.31kB`, `12.5MB`). */
export function bytes(n: number): string {
  if (n < 1000) return `${n}B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)}${units[u]}`;
}

/** A sub-status line (`transferring context: 2.31kB done`). */
export function statusText(st: VertexStatus): string {
  const current = Number(st.current);
  const total = Number(st.total);
  const amount = total > 0 ? `${bytes(current)} / ${bytes(total)}` : current > 0 ? bytes(current) : "";
  return [st.ID || st.name, amount, st.completed !== undefined ? "done" : ""].filter((x) => x !== "").join(" ");
}

/** A warning as one line, with the spec line when BuildKit has it. */
export function warningText(w: VertexWarning): string {
  const short = new TextDecoder().decode(w.short);
  const file = w.info?.filename;
  const line = w.ranges[0]?.start?.line;
  // Frontends that print the line themselves (buildx's `(line N)`) keep their wording.
  return file && line && !/\(line \d+\)$/.test(short) ? `${short} (${file}:${line})` : short;
}
