/**
 * README's table of full campaigns, made from the run summaries in
 * fuzz/results/ (one `--json` file per target), so the figures shown are the
 * ones a run wrote.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { TargetReport } from "./report.js";
import { KINDS } from "./oracle.js";
import { TARGETS } from "./target.js";

/** What `fuzz/run.ts --json` writes. */
export interface ResultFile {
  readonly seed: string;
  readonly workers: number;
  readonly targets: readonly TargetReport[];
}

export const RESULTS_DIR = "fuzz/results";

/** Every target's summary in the results directory, in campaign order. */
export function readResults(root: string): Array<{ seed: string; workers: number; report: TargetReport }> {
  const dir = join(root, RESULTS_DIR);
  const rows = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .flatMap((f) => {
      const file = JSON.parse(readFileSync(join(dir, f), "utf8")) as ResultFile;
      return file.targets.map((report) => ({ seed: file.seed, workers: file.workers, report }));
    });
  const order = (name: string) => TARGETS.findIndex((t) => t.name === name);
  return rows.sort((a, b) => order(a.report.target) - order(b.report.target));
}

const thousands = (n: number) => n.toLocaleString("en-US");

function minutes(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

function findings(r: TargetReport): string {
  const parts = KINDS.filter((k) => r.findings[k]).map((k) => `${r.findings[k]?.distinct} ${k} (${r.findings[k]?.hits} hits)`);
  return parts.length === 0 ? "0" : parts.join(", ");
}

/** The Markdown table: one row per target. */
export function resultsTable(rows: ReturnType<typeof readResults>): string {
  return [
    "| target | seed | inputs | time (workers) | inputs/s | slowest input (CPU) | peak RSS | findings |",
    "|---|---|---|---|---|---|---|---|",
    ...rows.map(({ seed, workers, report: r }) =>
      [
        "",
        `\`${r.target}\``,
        `\`${seed}\``,
        `${thousands(r.inputs)}${r.stoppedBy === "seconds" ? " (time limit)" : ""}`,
        `${minutes(r.seconds)} (${workers})`,
        thousands(r.inputsPerSecond),
        `${r.maxMs} ms (${r.slowest.family})`,
        `${r.peakRssMb} MiB`,
        findings(r),
        "",
      ].join(" | ").trim(),
    ),
  ].join("\n");
}
