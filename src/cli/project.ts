/** A Go project on disk, read and planned exactly as the frontend plans it through BuildKit. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseGoMod, parseGoWork } from "../gomod/index.js";
import { type WorkspaceInput, missingUseError, moduleForMain, parsePlatforms, planTargets, useDir } from "../plan/index.js";
import type { Plan, Platform } from "../plan/types.js";
import { contextFacts, isCommitHash, packedRef, parseDockerignore, parseGitHead, specUsesVar } from "../plan/index.js";
import { type ParsedSpec, parseSpec, selectTarget } from "../spec/index.js";

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
  /** The spec narrowed to the target. */
  readonly parsed: ParsedSpec;
  readonly plan: Plan;
  /** Every target's plan, in the order written (just `plan` without targets:). */
  readonly targetPlans: () => Plan[];
}

/** The build platform the CLI assumes; BuildKit's worker decides it in a real build. */
export const CLI_BUILD_PLATFORM: Platform = { os: "linux", architecture: "amd64" };

export function loadProject(opts: ProjectOptions): Project {
  const specPath = opts.specFile.startsWith("/") ? opts.specFile : join(opts.dir, opts.specFile);
  const filename = opts.specFile.slice(opts.specFile.lastIndexOf("/") + 1);
  const data = readFileSync(specPath);
  const parsed = selectTarget(parseSpec(new TextDecoder().decode(data), filename), opts.target);
  const read = (name: string) => (existsSync(join(opts.dir, name)) ? readFileSync(join(opts.dir, name), "utf8") : undefined);
  const goModText = read("go.mod");
  const rootGoMod = goModText === undefined ? undefined : parseGoMod(goModText, "go.mod");
  const goWorkText = read("go.work");
  const workspace = goWorkText === undefined ? undefined : readWorkspace(goWorkText, read);
  const goMod = (workspace && moduleForMain(workspace, parsed.spec.main)?.goMod) ?? rootGoMod;
  const ignore = read(`${filename}.dockerignore`) ?? read(".dockerignore");
  const contextExcludes = parseDockerignore(ignore === undefined ? undefined : new TextEncoder().encode(ignore));
  const input = {
    goMod,
    ...contextFacts({
      goSum: existsSync(join(opts.dir, "go.sum")),
      vendorModules: existsSync(join(opts.dir, "vendor/modules.txt")),
      gitHead: existsSync(join(opts.dir, ".git/HEAD")),
      excludes: contextExcludes,
    }),
    ...(workspace ? { workspace } : {}),
  };
  const vcsCommit = input.hasGit && !Object.hasOwn(opts.buildArgs ?? {}, "COMMIT") && specUsesVar(parsed, "COMMIT") ? diskCommit(read) : undefined;
  const options = {
    platforms: opts.platforms ? parsePlatforms(opts.platforms) : [],
    buildPlatform: CLI_BUILD_PLATFORM,
    buildArgs: opts.buildArgs ?? {},
    ...(vcsCommit !== undefined ? { vcsCommit } : {}),
    network: "sandbox" as const,
    noCache: false,
  };
  return { specFile: { filename, data }, contextExcludes, parsed, ...planTargets({ ...input, spec: parsed, options: { ...options, ...(opts.target ? { target: opts.target } : {}) } }) };
}

/** The commit .git/HEAD names, as the frontend reads it through BuildKit: HEAD, the loose ref, else packed-refs. */
function diskCommit(read: (name: string) => string | undefined): string | undefined {
  const head = parseGitHead(read(".git/HEAD") ?? "");
  if (head === undefined || "commit" in head) return head?.commit;
  const loose = read(`.git/${head.ref}`)?.trim();
  if (loose !== undefined && isCommitHash(loose)) return loose;
  const packed = read(".git/packed-refs");
  return packed === undefined ? undefined : packedRef(packed, head.ref);
}

function readWorkspace(text: string, read: (name: string) => string | undefined): WorkspaceInput {
  const goWork = parseGoWork(text, "go.work");
  const modules = goWork.use.map((u) => {
    const dir = useDir(u);
    const path = dir === "." ? "go.mod" : `${dir}/go.mod`;
    const data = read(path);
    if (data === undefined) throw missingUseError(u, path);
    return { dir, goMod: parseGoMod(data, path) };
  });
  return { goWork, modules };
}
