/**
 * bench/results.png from bench/results.json: grouped bars, one group per
 * scenario, one bar per contender, median seconds on a log scale (cold builds
 * take tens of seconds, no-ops a fraction of one). Drawn by gnuplot.
 *
 *   node --import tsx bench/chart.ts [results.json] [results.png]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Row, SCENARIOS, median } from "./report.js";

const SHORT: Record<string, string> = {
  [SCENARIOS.cold]: "cold",
  [SCENARIOS.noop]: "no-op",
  [SCENARIOS.oneLine]: "one-line change",
  [SCENARIOS.goMod]: "go.mod change",
  [SCENARIOS.amd64]: "amd64 OCI",
  [SCENARIOS.multi]: "amd64+arm64",
  [SCENARIOS.fresh]: "fresh builder\\n+ registry cache",
};

/** Fixed per contender, so charts of partial runs (--only) keep the colours. */
const COLORS: Record<string, string> = {
  "seed Dockerfile": "#9e9e9e",
  "expert Dockerfile": "#1f77b4",
  slimgo: "#d62728",
  ko: "#2ca02c",
  "host go build": "#ff7f0e",
};

/** gnuplot quotes strings with double quotes; labels here hold none. */
const q = (s: string) => `"${s.replace(/"/g, "'")}"`;

export function drawChart(jsonPath: string, pngPath: string): void {
  const { rows } = JSON.parse(readFileSync(jsonPath, "utf8")) as { rows: Row[] };
  const timed = rows.filter((r) => r.seconds.length > 0);
  const scenarios = Object.values(SCENARIOS).filter((s) => timed.some((r) => r.scenario === s));
  const contenders = [...new Set(rows.map((r) => r.contender))];
  const width = 0.84 / contenders.length;
  const tmp = mkdtempSync(join(tmpdir(), "slimgo-bench-chart-"));
  try {
    // One data block per contender: x, median seconds, label.
    const blocks = contenders.map((c, j) =>
      scenarios
        .map((s, i) => {
          const r = timed.find((row) => row.scenario === s && row.contender === c);
          if (!r) return "";
          const m = median(r.seconds);
          return `${(i + (j - (contenders.length - 1) / 2) * width).toFixed(3)} ${m.toFixed(3)} ${q(m < 10 ? m.toFixed(1) : m.toFixed(0))}`;
        })
        .filter(Boolean)
        .join("\n"),
    );
    const data = join(tmp, "bars.dat");
    // Two blank lines between blocks: gnuplot's `index`.
    writeFileSync(data, blocks.map((b) => b || "NaN NaN \"\"").join("\n\n\n") + "\n");
    const plots = contenders.flatMap((c, j) => [
      `${q(data)} index ${j} using 1:2 with boxes lc rgb ${q(COLORS[c] ?? "#9467bd")} title ${q(c)}`,
      `${q(data)} index ${j} using 1:2:3 with labels offset 0,0.6 font ",9" notitle`,
    ]);
    const script = [
      `set terminal pngcairo size 1500,720 font "sans,12"`,
      `set output ${q(resolve(pngPath))}`,
      `set title "slimgo benchmark: median seconds per scenario (log scale; lower is better; image sizes in results.md)"`,
      "set logscale y",
      "set yrange [0.1:*]",
      "set ylabel \"seconds\"",
      "set grid ytics",
      "set style fill solid 0.9 border -1",
      `set boxwidth ${width.toFixed(3)}`,
      `set xrange [-0.6:${(scenarios.length - 0.4).toFixed(1)}]`,
      `set xtics (${scenarios.map((s, i) => `${q(SHORT[s] ?? s)} ${i}`).join(", ")}) scale 0`,
      "set key top left horizontal",
      "set bmargin 4",
      "set datafile missing \"NaN\"",
      `plot ${plots.join(", \\\n  ")}`,
      "",
    ].join("\n");
    writeFileSync(join(tmp, "chart.gp"), script);
    execFileSync("gnuplot", [join(tmp, "chart.gp")], { stdio: ["ignore", "ignore", "inherit"] });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  drawChart(process.argv[2] ?? "bench/results.json", process.argv[3] ?? "bench/results.png");
}
