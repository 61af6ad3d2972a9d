/** Progress as a live view on a terminal: every step with its time, CACHED, and the running steps' last log lines. */
import type { StatusResponse } from "../../gen/control/control_pb.js";
import type { Printer } from "./plain.js";
import { ProgressState, type StepState, seconds, statusText, warningText } from "./state.js";

const REDRAW_MS = 120;
/** Log lines of a running step in the live view; a failed step shows all the state keeps. */
const LIVE_LINES = 6;

export interface TtyOptions {
  readonly write: (s: string) => void;
  /** Terminal size; the view keeps to it. */
  readonly rows: () => number;
  readonly columns: () => number;
  readonly now?: () => number;
}

export class TtyPrinter implements Printer {
  private readonly state = new ProgressState();
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly begun: number;
  private readonly now: () => number;

  constructor(private readonly o: TtyOptions) {
    this.now = o.now ?? Date.now;
    this.begun = this.now();
  }

  update(s: StatusResponse): void {
    this.state.apply(s);
    this.timer ??= setInterval(() => this.draw(false), REDRAW_MS);
  }

  end(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.draw(true);
    // The live view cuts log lines to the terminal; a failed step's own words are printed whole, as buildx does.
    for (const step of this.state.ordered()) {
      if (!step.error || step.tail.length === 0) continue;
      this.o.write(`------\n > ${step.name}:\n${step.tail.map((t) => `${t}\n`).join("")}------\n`);
    }
    const warnings = this.state.warnings;
    if (warnings.length > 0) {
      this.o.write(`\n${warnings.length} warning${warnings.length === 1 ? "" : "s"} found:\n`);
      for (const w of warnings) this.o.write(` - ${warningText(w)}\n`);
    }
  }

  /** One frame; `final` shows every started step and no log tails (end() prints a failed step's log after it). */
  frame(final: boolean): string[] {
    const now = this.now();
    const steps = this.state.ordered().filter((s) => s.name !== "");
    const done = steps.filter((s) => s.completed !== undefined || s.cached).length;
    const cols = Math.max(40, this.o.columns());
    const header = `[+] Building ${seconds(now - this.begun)} (${done}/${steps.length})${final ? (steps.some((s) => s.error) ? " FAILED" : " FINISHED") : ""}`;
    const lines: string[] = [];
    for (const step of steps) {
      // Like buildx: a step shows once it has started (or is known cached), not while it waits for its inputs.
      if (step.started === undefined && !step.cached) continue;
      lines.push(fit(` => ${label(step)}`, timeOf(step, now), cols));
      // Sub-steps stay, done or not, as in buildx: "naming to docker.io/library/app:latest done" says where the image went.
      for (const st of step.statuses.values()) lines.push(fit(` => => ${statusText(st)}`, "", cols));
      const running = step.started !== undefined && step.completed === undefined && !step.cached;
      if (running && !final) for (const t of step.tail.slice(-LIVE_LINES)) lines.push(fit(` => => # ${t}`, "", cols));
    }
    // Keep to the screen: the oldest finished steps go first.
    const room = final ? Infinity : Math.max(3, this.o.rows() - 2);
    return [header, ...(lines.length > room ? lines.slice(lines.length - room) : lines)];
  }

  private draw(final: boolean): void {
    const lines = this.frame(final);
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F` : "";
    this.o.write(`${up}\x1b[J${lines.join("\n")}\n`);
    this.drawn = lines.length;
  }
}

function label(step: StepState): string {
  return `${step.cached ? "CACHED " : ""}${step.error ? "ERROR " : ""}${step.name}`;
}

function timeOf(step: StepState, now: number): string {
  if (step.cached || step.started === undefined) return step.cached ? "0.0s" : "";
  return seconds((step.completed ?? now) - step.started);
}

/** The line cut to the width, with the time right-aligned. */
function fit(text: string, time: string, cols: number): string {
  const width = cols - time.length - 1;
  const body = text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width);
  return time === "" ? body.trimEnd() : `${body} ${time}`;
}
