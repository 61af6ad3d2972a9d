/** The per-target summary: a table for people, a JSON document for tools. */
import type { CampaignResult } from "./campaign.js";
import type { Distinct } from "./findings.js";
import { type FindingKind, KINDS } from "./oracle.js";

export interface TargetReport {
  readonly target: string;
  readonly inputs: number;
  /** Inputs of families no longer fed after costing the hang limit several times. */
  readonly skipped: number;
  readonly seconds: number;
  readonly inputsPerSecond: number;
  readonly stoppedBy: "inputs" | "seconds";
  readonly findings: Partial<Record<FindingKind, { distinct: number; hits: number }>>;
  /** Resource findings that did not happen again when run alone. */
  readonly unconfirmed: number;
  readonly maxMs: number;
  readonly slowest: { readonly index: number; readonly family: string };
  readonly peakRssMb: number;
  readonly families: Record<string, number>;
  readonly distinct: ReadonlyArray<{ kind: FindingKind; summary: string; family: string; index: number; hits: number; file?: string }>;
}

export function targetReport(target: string, r: CampaignResult, distinct: readonly Distinct[], unconfirmed: number): TargetReport {
  const findings: Partial<Record<FindingKind, { distinct: number; hits: number }>> = {};
  for (const d of distinct) {
    const f = (findings[d.kind] ??= { distinct: 0, hits: 0 });
    f.distinct++;
    f.hits += d.hits;
  }
  const seconds = r.elapsedMs / 1000;
  return {
    target,
    inputs: r.ran,
    skipped: r.skipped,
    seconds: Math.round(seconds * 10) / 10,
    inputsPerSecond: Math.round(r.ran / Math.max(seconds, 0.001)),
    stoppedBy: r.stoppedBy,
    findings,
    unconfirmed,
    maxMs: Math.round(r.maxMs),
    slowest: { index: r.maxIndex, family: r.maxFamily },
    peakRssMb: r.peakRssMb,
    families: Object.fromEntries(Object.entries(r.families).sort(([a], [b]) => (a < b ? -1 : 1))),
    distinct: distinct.map((d) => ({ kind: d.kind, summary: d.first.finding.summary, family: d.first.finding.family, index: d.first.index, hits: d.hits, ...(d.file ? { file: d.file } : {}) })),
  };
}

function pad(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((row) => row.map((c, i) => (i === row.length - 1 ? c : i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")).join("\n");
}

export function findingsText(r: TargetReport): string {
  const parts = KINDS.filter((k) => r.findings[k]).map((k) => `${k} ${r.findings[k]?.distinct} (${r.findings[k]?.hits} hits)`);
  return parts.length === 0 ? "none" : parts.join(", ");
}

export function summaryTable(reports: readonly TargetReport[]): string {
  const rows = [
    ["target", "inputs", "inputs/s", "max ms", "slowest input", "peak RSS", "findings"],
    ...reports.map((r) => [
      r.target,
      `${r.inputs}${r.stoppedBy === "seconds" ? "*" : ""}`,
      String(r.inputsPerSecond),
      String(r.maxMs),
      r.slowest.index < 0 ? "-" : `#${r.slowest.index} ${r.slowest.family}`,
      `${r.peakRssMb} MiB`,
      `${findingsText(r)}${r.skipped > 0 ? `; ${r.skipped} skipped` : ""}${r.unconfirmed > 0 ? `; ${r.unconfirmed} unconfirmed` : ""}`,
    ]),
  ];
  return pad(rows);
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m${String(s % 60).padStart(2, "0")}s` : m > 0 ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}
