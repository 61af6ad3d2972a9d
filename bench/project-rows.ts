/**
 * The real projects' rows (bench/projects.ts): warm no-op and one-line
 * rebuilds on the engine's builder, and a fresh builder from a registry cache
 * after a one-line change, for both expert Dockerfiles, slimgo and ko.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { GoProxy } from "../scripts/goproxy.js";
import { BUILDER, contendersFor } from "./contenders.js";
import type { FreshBuilder, Warmup } from "./fresh-builder.js";
import { KO_CONFIG_FILE, Ko } from "./ko.js";
import { type Project, editProject } from "./projects.js";
import { registryCacheRounds } from "./registry-cache-rounds.js";
import { type ProjectRow, SCENARIOS, sampleRow } from "./report.js";
import { type BuildKitSetup, type Runner, type Sample, buildKitRunner, koRunner } from "./runners.js";

export const PROJECT_SCENARIOS = {
  noop: SCENARIOS.noop,
  oneLine: "one-line change in the main package",
  fresh: SCENARIOS.fresh,
} as const;

export interface ProjectBench {
  readonly project: Project;
  /** The project's source, as Project.write left it. */
  readonly dir: string;
  readonly proxy: GoProxy;
  readonly spans: BuildKitSetup["spans"];
  readonly koBin: string;
  readonly scratch: string;
  readonly runs: number;
  readonly freshRuns: number;
  /** Keeps the contenders `--only` names. */
  wanted(name: string): boolean;
  startFreshBuilder(warm: Warmup): Promise<FreshBuilder>;
}

/** Write the build definitions beside the project's source. */
export function prepareProject(p: Project, dir: string): void {
  for (const c of contendersFor(p.main, { seed: false })) writeFileSync(join(dir, c.file), c.text);
  writeFileSync(join(dir, ".dockerignore"), `*.Dockerfile\nslimgo.yaml\n${KO_CONFIG_FILE}\n`);
}

export async function measureProject(b: ProjectBench): Promise<ProjectRow[]> {
  const { project: p, dir } = b;
  const contenders = contendersFor(p.main, { seed: false });
  const setup: BuildKitSetup = { dir, proxy: b.proxy, spans: b.spans, project: p.name };
  const ko = new Ko(b.koBin, dir, join(b.scratch, `ko-${p.name}`), b.proxy.url, p.main);
  const runners: Runner[] = [...contenders.map((c) => buildKitRunner(c, setup)), koRunner(ko, b.proxy)].filter((r) => b.wanted(r.name));
  const rows: ProjectRow[] = [];
  let edits = 0;
  const change = () => editProject(dir, p, edits++);
  const record = (r: Runner, scenario: string, samples: Sample[] | string, exportSeconds?: number[]) =>
    rows.push({ project: p.title, ...sampleRow(r.name, scenario, samples, exportSeconds) });
  for (const r of runners) {
    process.stderr.write(`bench: ${p.title}: ${r.name}\n`);
    await r.build();
    const noop: Sample[] = [];
    for (let i = 0; i < b.runs; i++) noop.push(await r.build());
    record(r, PROJECT_SCENARIOS.noop, noop);
    const oneLine: Sample[] = [];
    for (let i = 0; i < b.runs; i++) {
      change();
      oneLine.push(await r.build());
    }
    record(r, PROJECT_SCENARIOS.oneLine, oneLine);
  }
  const warm: Warmup = { dir, images: [BUILDER, ...p.images], frontends: contenders.filter((c) => c.text.startsWith("# syntax=")).map((c) => c.file) };
  const fromCache = await registryCacheRounds(runners, { rounds: b.freshRuns, change, startFreshBuilder: () => b.startFreshBuilder(warm), label: `${p.title}: ` });
  for (const [r, result] of fromCache) {
    if (typeof result === "string") record(r, PROJECT_SCENARIOS.fresh, result);
    else record(r, PROJECT_SCENARIOS.fresh, result.samples, result.exports);
  }
  return rows;
}
