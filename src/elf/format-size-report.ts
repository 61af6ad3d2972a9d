/** A size report as text: a table for logs and pipes, a tree for terminals. */
import type { SizeReport } from "./size-report.js";

export interface FormatOptions {
  /** How many modules (and packages per module in the tree, packages in the table) to list; the rest are folded into one line. */
  readonly top?: number;
  readonly tree?: boolean;
  readonly colour?: boolean;
}

/** 1234567 → "1.2 MiB"; exact bytes below 1 KiB. */
export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** One line per row, columns padded to the widest cell; the last column is left unpadded. */
function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((row) =>
      row
        .map((c, i) => (i === row.length - 1 && !rightAligned.has(i) ? c : rightAligned.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** The report's first line: what the binary is and how much of it was measured. */
export function headline(report: SizeReport): string {
  const what = [report.arch, report.goVersion, report.symbols ? "with symbols" : "stripped"].filter(Boolean).join(", ");
  return `${report.mainModule ?? "Go binary"} (${what}): ${humanBytes(report.totalBytes)}, of which code and read-only data ${humanBytes(report.measuredBytes)}`;
}

/** Render the report; deterministic for a given report and options. */
export function formatSizeReport(report: SizeReport, opts: FormatOptions = {}): string {
  const top = Math.max(1, opts.top ?? 10);
  const c = opts.colour ? { bold: (s: string) => `\x1b[1m${s}\x1b[0m`, dim: (s: string) => `\x1b[2m${s}\x1b[0m` } : { bold: (s: string) => s, dim: (s: string) => s };
  return `${c.bold(headline(report))}\n${opts.tree ? tree(report, top, c.dim) : flat(report, top)}\n`;
}

function flat(report: SizeReport, top: number): string {
  const mods = report.modules.slice(0, top);
  const restMods = report.modules.slice(top);
  const modRows = [["MODULE", "VERSION", "BYTES", "SHARE"], ...mods.map((m) => [m.path, m.version ?? "", String(m.bytes), percent(m.share)])];
  if (restMods.length > 0) modRows.push([`(${restMods.length} more)`, "", String(sum(restMods)), percent(sumShare(restMods))]);
  modRows.push(["(unattributed)", "", String(report.unattributed.bytes), percent(report.unattributed.share)]);
  modRows.push(["(not measured)", "", String(report.unmeasured.bytes), percent(report.unmeasured.share)]);

  const pkgs = report.packages.slice(0, top);
  const restPkgs = report.packages.slice(top);
  const pkgRows = [["PACKAGE", "MODULE", "BYTES", "CODE", "TABLES", "DATA"], ...pkgs.map((p) => [p.path, p.module, String(p.bytes), String(p.code), String(p.tables), String(p.data)])];
  if (restPkgs.length > 0) pkgRows.push([`(${restPkgs.length} more)`, "", String(sum(restPkgs)), "", "", ""]);

  const partRows = [["UNATTRIBUTED", "BYTES"], ...report.unattributed.parts.map((p) => [p.what, String(p.bytes)])];
  return [table(modRows, new Set([2, 3])), table(pkgRows, new Set([2, 3, 4, 5])), table(partRows, new Set([1]))].join("\n\n");
}

function tree(report: SizeReport, top: number, dim: (s: string) => string): string {
  interface Node {
    label: string;
    bytes: number;
    children: Node[];
  }
  const node = (label: string, bytes: number, children: Node[] = []): Node => ({ label, bytes, children });
  const fold = <T>(items: readonly T[], toNode: (t: T) => Node, bytes: (t: T) => number): Node[] => {
    const shown = items.slice(0, top).map(toNode);
    const rest = items.slice(top);
    return rest.length > 0 ? [...shown, node(dim(`… ${rest.length} more`), rest.reduce((n, t) => n + bytes(t), 0))] : shown;
  };
  const byModule = new Map<string, SizeReport["packages"][number][]>();
  for (const p of report.packages) {
    const list = byModule.get(p.module);
    if (list === undefined) byModule.set(p.module, [p]);
    else list.push(p);
  }
  const roots: Node[] = [
    ...fold(
      report.modules,
      (m) => {
        const pkgs = byModule.get(m.path) ?? [];
        // A module that is one package of the same name needs no second line.
        const children = pkgs.length === 1 && pkgs[0]?.path === m.path ? [] : fold(pkgs, (p) => node(p.path, p.bytes), (p) => p.bytes);
        return node(`${m.path}${m.version ? ` ${dim(m.version)}` : ""}`, m.bytes, children);
      },
      (m) => m.bytes,
    ),
    node("(unattributed)", report.unattributed.bytes, report.unattributed.parts.map((p) => node(p.what, p.bytes))),
    node(dim("(not measured: writable data, symbols, debug info, headers)"), report.unmeasured.bytes),
  ];
  const lines: string[] = [];
  const walk = (n: Node, prefix: string, last: boolean): void => {
    const share = report.totalBytes === 0 ? 0 : n.bytes / report.totalBytes;
    lines.push(`${prefix}${last ? "└─" : "├─"} ${humanBytes(n.bytes).padStart(9)} ${percent(share).padStart(6)}  ${n.label}`);
    n.children.forEach((ch, i) => walk(ch, `${prefix}${last ? "   " : "│  "}`, i === n.children.length - 1));
  };
  roots.forEach((r, i) => walk(r, "", i === roots.length - 1));
  return lines.join("\n");
}

function sum(items: readonly { bytes: number }[]): number {
  return items.reduce((n, i) => n + i.bytes, 0);
}

function sumShare(items: readonly { share: number }[]): number {
  return items.reduce((n, i) => n + i.share, 0);
}
