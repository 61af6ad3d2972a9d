/** bench/results.json and bench/results.md: medians with min–max, ratios against the expert Dockerfile, and the goals. */
import { writeFileSync } from "node:fs";

export interface Row {
  readonly scenario: string;
  readonly contender: string;
  readonly seconds: number[];
  /** Module zips fetched from the proxy, per run. */
  readonly zips: number[];
  readonly note: string;
  readonly size?: number;
}

export interface FrontendSample {
  /** From process start (Node start-up included) to Return. */
  readonly uptimeMs: number;
  /** Time spent waiting for the build and reading the binary back. */
  readonly buildMs: number;
  readonly maxRssKb: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

function cell(r: Row | undefined): string {
  if (!r) return "—";
  if (r.size !== undefined) return `${(r.size / 1e6).toFixed(2)} MB`;
  if (r.seconds.length === 0) return r.note;
  const zips = Math.max(...r.zips);
  return `${median(r.seconds).toFixed(2)} s (${Math.min(...r.seconds).toFixed(2)}–${Math.max(...r.seconds).toFixed(2)})${zips > 0 ? `, ${zips} zips` : ""}`;
}

export function writeReport(rows: Row[], meta: { modules: number; frontend: FrontendSample[]; runs: number }): void {
  const contenders = [...new Set(rows.map((r) => r.contender))];
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  const get = (s: string, c: string) => rows.find((r) => r.scenario === s && r.contender === c);
  const med = (s: string, c: string) => {
    const r = get(s, c);
    return r && r.seconds.length > 0 ? median(r.seconds) : r?.size;
  };
  const ratio = (s: string) => {
    const a = med(s, "slimgo");
    const b = med(s, "expert Dockerfile");
    return a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(2)}×` : "—";
  };
  const lines = [
    "# slimgo build benchmark",
    "",
    `Reproduce: \`make bench\`. ${meta.runs} runs per cell; median (min–max) of the whole \`docker buildx build\`; "zips" = module zips fetched from the loopback GOPROXY in the worst run. Workload: a generated service with ${meta.modules} modules in go.sum (chi, Prometheus client, gRPC, protobuf, zap, cobra). One engine, one run, 2 cores.`,
    "",
    `| scenario | ${contenders.join(" | ")} | slimgo / expert |`,
    `|---|${contenders.map(() => "---").join("|")}|---|`,
    ...scenarios.map((s) => `| ${s} | ${contenders.map((c) => cell(get(s, c))).join(" | ")} | ${ratio(s)} |`),
  ];
  const fe = meta.frontend;
  const own = fe.map((f) => f.uptimeMs - f.buildMs);
  if (fe.length > 0) {
    lines.push(
      "",
      `Frontend (slimgo builds in this run, n=${fe.length}): own time from process start to Return, excluding the wait for the build, median ${median(own)} ms (${Math.min(...own)}–${Math.max(...own)}); peak RSS median ${Math.round(median(fe.map((f) => f.maxRssKb)) / 1024)} MB.`,
    );
  }
  const host = med("one-line source change", "host go build (incremental)");
  const goal = (name: string, ok: boolean | undefined, detail: string) => `| ${name} | ${ok === undefined ? "n/a" : ok ? "met" : "missed"} | ${detail} |`;
  const s1 = med("one-line source change", "slimgo");
  const e1 = med("one-line source change", "expert Dockerfile");
  const sg = med("go.mod change (one new module)", "slimgo");
  const eg = med("go.mod change (one new module)", "expert Dockerfile");
  const sc = med("cold (empty BuildKit cache)", "slimgo");
  const ec = med("cold (empty BuildKit cache)", "expert Dockerfile");
  const sm = med("one-line change, linux/amd64+linux/arm64", "slimgo");
  const sa = med("one-line change, linux/amd64 (OCI export)", "slimgo");
  const ss = get("image size (docker image inspect)", "slimgo")?.size;
  const es = get("image size (docker image inspect)", "expert Dockerfile")?.size;
  lines.push(
    "",
    "| goal | result | measured |",
    "|---|---|---|",
    goal("warm one-line rebuild ≤ 1.0× expert", s1 !== undefined && e1 !== undefined ? s1 <= e1 : undefined, `${ratio("one-line source change")}`),
    goal("warm one-line rebuild ≤ 1.5× host incremental + 2 s", s1 !== undefined && host !== undefined ? s1 <= 1.5 * host + 2 : undefined, `${s1?.toFixed(2)} s vs ${(1.5 * (host ?? 0) + 2).toFixed(2)} s`),
    goal("go.mod change ≤ 1.0× expert", sg !== undefined && eg !== undefined ? sg <= eg : undefined, ratio("go.mod change (one new module)")),
    goal("cold ≤ 1.05× expert", sc !== undefined && ec !== undefined ? sc <= 1.05 * ec : undefined, ratio("cold (empty BuildKit cache)")),
    goal("amd64+arm64 ≤ 1.4× amd64", sm !== undefined && sa !== undefined ? sm <= 1.4 * sa : undefined, sm && sa ? `${(sm / sa).toFixed(2)}×` : "—"),
    goal("image ≤ expert scratch + 0.7 MB", ss !== undefined && es !== undefined ? ss <= es + 700_000 : undefined, ss && es ? `+${((ss - es) / 1e6).toFixed(2)} MB` : "—"),
    goal("frontend overhead ≤ 150 ms p50", fe.length ? median(own) <= 150 : undefined, fe.length ? `${median(own)} ms` : "—"),
    goal("frontend RSS ≤ 80 MB", fe.length ? median(fe.map((f) => f.maxRssKb)) / 1024 <= 80 : undefined, fe.length ? `${Math.round(median(fe.map((f) => f.maxRssKb)) / 1024)} MB` : "—"),
    "",
    "Not measured in this run: ko (not installed by the harness yet) and the fresh-builder registry-cache scenario (needs a local registry in the harness).",
  );
  const md = `${lines.join("\n")}\n`;
  writeFileSync("bench/results.md", md);
  writeFileSync("bench/results.json", `${JSON.stringify({ runs: meta.runs, modules: meta.modules, rows, frontend: fe }, null, 2)}\n`);
  process.stdout.write(md);
}
