/** What the planner learns from which files the build context holds; the frontend and the CLI find the files their own way. */
import { isExcluded } from "./dockerignore.js";
import type { PlanInput } from "./make-plan.js";

export interface ContextFiles {
  readonly goSum: boolean;
  readonly vendorModules: boolean;
  /** .git/HEAD, before .dockerignore applies. */
  readonly gitHead: boolean;
  /** The context's exclude patterns (.dockerignore, or `<spec>.dockerignore`). */
  readonly excludes: readonly string[];
}

export function contextFacts(files: ContextFiles): Pick<PlanInput, "vendored" | "missingGoSum" | "hasGit"> {
  return {
    vendored: files.vendorModules,
    missingGoSum: !files.goSum,
    // go build stamps VCS information only from a repository the build can see.
    hasGit: files.gitHead && !isExcluded(".git/HEAD", files.excludes),
  };
}
