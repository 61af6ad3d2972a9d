/**
 * `size:` in the build: a binary over its budget fails the build naming its
 * largest modules; a third-party module above the share gets a warning.
 */
import { humanBytes, topContributors } from "../elf/index.js";
import { platformId } from "../graph/go-env.js";
import type { Plan, SpecRange } from "../plan/types.js";
import { UserError } from "./errors.js";
import type { Verified } from "./verify.js";
import type { Warning } from "./warnings.js";

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** Throws when a binary is over budget; returns the module-share warnings. */
export function checkSizePolicy(plan: Plan, verified: readonly Verified[], range: SpecRange): Warning[] {
  const policy = plan.size;
  if (policy === undefined) return [];
  const warnings: Warning[] = [];
  for (const v of verified) {
    const report = v.attribution;
    if (report === undefined) continue;
    const where = `${v.bin.binaryName} for ${platformId(v.platform)}`;
    if (policy.budget !== undefined && v.size > policy.budget) {
      const top = topContributors(report, 3).map((c) => `${c.module} ${humanBytes(c.bytes)} (${percent(c.share)})`);
      throw new UserError(
        `${where} is ${humanBytes(v.size)}, over the size budget of ${humanBytes(policy.budget)}` +
          `${top.length > 0 ? `; largest third-party modules: ${top.join(", ")}` : ""}: see which packages pull them in with docker buildx build --call size, or raise size.budget`,
        { file: "spec", line: range.start.line, col: range.start.col },
      );
    }
    if (policy.warnModuleShare !== undefined) {
      const share = policy.warnModuleShare;
      for (const c of topContributors(report, Number.MAX_SAFE_INTEGER).filter((m) => m.share > share)) {
        warnings.push({
          rule: "ModuleShare",
          message: `${c.module} is ${humanBytes(c.bytes)}, ${percent(c.share)} of ${where} (more than size.warnModuleShare ${percent(share)})${c.largestPackage ? `; its largest package is ${c.largestPackage}` : ""}`,
          range,
        });
      }
    }
  }
  return warnings;
}
