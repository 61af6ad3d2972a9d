/** A Go project on disk, read and planned by the frontend's own code (server/load-project.ts), from files instead of BuildKit. */
import type { GoHeaders } from "../types.js";
import type { Plan, Platform } from "../plan/types.js";
import type { ParsedSpec } from "../spec/index.js";
import { diskSource, specFilename } from "../server/disk-source.js";
import { loadProject as load } from "../server/load-project.js";

export interface ProjectOptions {
  /** The build context directory. */
  readonly dir: string;
  /** The spec file, relative to `dir` or absolute. */
  readonly specFile: string;
  readonly platforms?: string;
  readonly buildArgs?: Record<string, string>;
  /** `--target`; the spec's first target when unset. */
  readonly target?: string;
}

export interface Project {
  /** The spec file as read, for LLB source locations. */
  readonly specFile: { readonly filename: string; readonly data: Uint8Array };
  /** The build context's exclude patterns: `<spec>.dockerignore`, else `.dockerignore`, as the frontend picks them. */
  readonly contextExcludes: readonly string[];
  /** The Go files' headers, as the frontend reads them for the go list step (read on call). */
  readonly readGoHeaders: () => Promise<GoHeaders | undefined>;
  /** The spec narrowed to the target. */
  readonly parsed: ParsedSpec;
  readonly plan: Plan;
  /** Every target's plan, in the order written (just `plan` without targets:). */
  readonly targetPlans: () => Plan[];
}

/** The build platform the CLI assumes; BuildKit's worker decides it in a real build. */
export const CLI_BUILD_PLATFORM: Platform = { os: "linux", architecture: "amd64" };

export async function loadProject(opts: ProjectOptions): Promise<Project> {
  const filename = specFilename(opts.specFile);
  const loaded = await load(
    diskSource(opts.dir, opts.specFile),
    {
      filename,
      target: opts.target,
      platforms: opts.platforms ?? "",
      buildPlatform: CLI_BUILD_PLATFORM,
      buildArgs: opts.buildArgs ?? {},
      network: "sandbox",
      noCache: false,
    },
    {},
  );
  const { specInput, parsed, plan, targetPlans, contextExcludes, readGoHeaders } = loaded;
  return {
    specFile: { filename, data: specInput.data },
    contextExcludes,
    readGoHeaders,
    parsed,
    plan,
    targetPlans,
  };
}
