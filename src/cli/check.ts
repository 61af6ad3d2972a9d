/**
 * `slimgo check`: every target planned by the frontend's own code, and each
 * binary's use of cgo judged by the verdict the build gives, on the report of
 * the same `go list` template the build's list step runs, here with the
 * local Go. Without a usable Go the cgo verdict is left to the build, and the
 * output says so.
 */
import { execFile } from "node:child_process";
import { goPlatformEnv, platformId } from "../graph/go-env.js";
import { compileFlags } from "../graph/go-step.js";
import { REPORT_TEMPLATE } from "../graph/list-packages.js";
import type { BinaryPlan, Plan, Platform } from "../plan/types.js";
import { selectTarget } from "../spec/index.js";
import { cgoVerdict } from "../server/cgo-verdict.js";
import { type GoListReport, parseGoListReport } from "../server/go-list-report.js";
import { type ProjectOptions, loadProject } from "./project.js";

/** go list on a large module takes a few seconds; a minute means something is wrong. */
const GO_LIST_TIMEOUT_MS = 60_000;

export async function checkCommand(opts: ProjectOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const project = await loadProject(opts);
  const root = project.parsed.root ?? project.parsed;
  const name = project.specFile.filename;
  let failed = false;
  const skipped = new Set<string>();
  for (const plan of project.targetPlans()) {
    const cgoRange = (plan.target ? selectTarget(root, plan.target) : root).ranges.fields.cgo ?? root.ranges.firstLine;
    const problems: string[] = [];
    for (const bin of [plan, ...(plan.include ?? [])]) {
      for (const platform of plan.targetPlatforms) {
        const report = await localReport(opts.dir, plan, bin, platform);
        if (typeof report === "string") {
          skipped.add(report);
          continue;
        }
        const problem = cgoVerdict(bin, report, cgoRange);
        if (problem) problems.push(`${name}:${problem.where?.line ?? 1}:${problem.where?.col ?? 1}: ${problem.message}`);
      }
    }
    const label = `${opts.specFile}${plan.target ? ` [${plan.target}]` : ""}`;
    if (problems.length > 0) {
      failed = true;
      for (const p of new Set(problems)) err(`${p}\n`);
      continue;
    }
    out(`${label}: ok (builds ${plan.main} as ${plan.binaryName} with ${plan.builderImage}${plan.cgo ? `, cgo ${plan.link}` : ""})\n`);
  }
  for (const why of skipped) out(`note: cgo use not checked here (${why}); the build checks it\n`);
  return failed ? 1 : 0;
}

/** The list step's report for one binary and platform from the local Go, or why there is none. */
function localReport(dir: string, plan: Plan, bin: BinaryPlan, platform: Platform): Promise<GoListReport | string> {
  const userFlags = plan.goEnv.find(([k]) => k === "GOFLAGS")?.[1] ?? "";
  const env = {
    ...process.env,
    ...Object.fromEntries(goPlatformEnv(platform)),
    // Listed with cgo on, as the list step does, so that `import "C"` files are seen.
    CGO_ENABLED: "1",
    // Never fetch: a check reads what is on disk, and a missing module only hides its own packages.
    GOPROXY: "off",
    GOTOOLCHAIN: "local",
    GOFLAGS: [userFlags, plan.vendored ? "-mod=vendor" : ""].filter((f) => f !== "").join(" "),
  };
  const args = ["list", "-e", "-deps", ...compileFlags(bin), "-f", REPORT_TEMPLATE, bin.main];
  return new Promise((resolve) => {
    execFile("go", args, { cwd: dir, env, timeout: GO_LIST_TIMEOUT_MS, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error === null) return resolve(parseGoListReport(stdout));
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return resolve("go is not on PATH");
      const first = stderr.split("\n").find((l) => l.trim() !== "") ?? error.message;
      resolve(`go list for ${platformId(platform)} failed: ${first.trim().slice(0, 200)}`);
    });
  });
}
