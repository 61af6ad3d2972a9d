/** Progress as plain lines, in buildx's `--progress=plain` form: `#N name`, logs, `#N CACHED`, `#N DONE 0.4s`. */
import type { StatusResponse } from "../../gen/control/control_pb.js";
import { ProgressState, type StepState, seconds, statusText, warningText } from "./state.js";

export interface Printer {
  update(s: StatusResponse): void;
  /** The build ended: flush what is left and print the warnings. */
  end(): void;
}

export class PlainPrinter implements Printer {
  private readonly state = new ProgressState();
  private readonly announced = new Set<string>();
  private readonly finished = new Set<string>();
  private readonly shownStatus = new Set<string>();
  private last: string | undefined;

  constructor(private readonly write: (s: string) => void) {}

  update(s: StatusResponse): void {
    const lines = this.state.apply(s);
    for (const v of s.vertexes) {
      const step = this.state.steps.get(v.digest);
      if (step !== undefined && (step.started !== undefined || step.cached)) this.announce(step);
    }
    for (const st of s.statuses) {
      const step = this.state.steps.get(st.vertex);
      if (step === undefined || st.completed === undefined || this.shownStatus.has(`${st.vertex}\0${st.ID}`)) continue;
      this.shownStatus.add(`${st.vertex}\0${st.ID}`);
      this.line(step, statusText(st));
    }
    for (const l of lines) {
      const rel = l.step.started === undefined ? 0 : (l.at - l.step.started) / 1000;
      this.line(l.step, `${rel.toFixed(3)} ${l.text}`);
    }
    for (const v of s.vertexes) {
      const step = this.state.steps.get(v.digest);
      if (step === undefined || this.finished.has(step.digest)) continue;
      if (step.cached) this.finish(step, "CACHED");
      else if (step.error) this.finish(step, `ERROR: ${step.error}`);
      else if (step.completed !== undefined && step.started !== undefined) this.finish(step, `DONE ${seconds(step.completed - step.started)}`);
    }
  }

  end(): void {
    for (const step of this.state.ordered()) {
      if (step.partial !== "" && this.announced.has(step.digest)) this.line(step, step.partial);
    }
    const warnings = this.state.warnings;
    if (warnings.length > 0) {
      this.write(`\n${warnings.length} warning${warnings.length === 1 ? "" : "s"} found:\n`);
      for (const w of warnings) this.write(` - ${warningText(w)}\n`);
    }
  }

  private announce(step: StepState): void {
    if (this.announced.has(step.digest)) return;
    this.announced.add(step.digest);
    this.line(step, step.name);
  }

  private finish(step: StepState, what: string): void {
    this.announce(step);
    this.finished.add(step.digest);
    this.line(step, what);
  }

  /** Each step's lines form a block; a blank line separates blocks. */
  private line(step: StepState, text: string): void {
    if (this.last !== undefined && this.last !== step.digest) this.write("\n");
    this.last = step.digest;
    this.write(`#${step.index} ${text}\n`);
  }
}
