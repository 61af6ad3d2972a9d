/**
 * Inputs → plan, the one way every caller gets there: the frontend image,
 * `slimgo build` (frontend in-process) and `slimgo check|plan` differ only in
 * the ProjectSource they pass and where their options come from.
 */
import { parseGoMod } from "../gomod/index.js";
import { SOURCE_DATE_EPOCH, contextFacts, headersStandForSource, moduleForMain, parseDockerignore, parsePlatforms, planTargets, specUsesVar } from "../plan/index.js";
import type { FrontendOptions } from "../plan/index.js";
import type { Plan } from "../plan/types.js";
import type { GoHeaders } from "../types.js";
import { readGoHeaders } from "./go-headers.js";
import { type ParsedSpec, parseSpec, selectTarget } from "../spec/index.js";
import { FileTooLargeError } from "../gateway/reply-errors.js";
import type { ErrorSources } from "./errors.js";
import { type ContextInput, type ProjectSource, type SpecInput, readCommit, readCommitTime, readWorkspace } from "./project-source.js";

/** The plan's options as the caller has them, `--platform` still as written. */
export interface LoadOptions extends Omit<FrontendOptions, "platforms" | "target"> {
  /** The spec's file name (BuildKit's `filename` option). */
  readonly filename: string;
  /** `--target`; the spec's first target when unset. */
  readonly target?: string | undefined;
  /** `--platform` as written, e.g. "linux/amd64,linux/arm64"; empty for the build platform. */
  readonly platforms: string;
}

/** What a build and every subrequest start from: the spec, go.mod (or go.work) and the plan. */
export interface Loaded {
  readonly filename: string;
  readonly specInput: SpecInput;
  readonly context: ContextInput;
  /** The spec narrowed to the target being built. */
  readonly parsed: ParsedSpec;
  readonly plan: Plan;
  /** Every target's plan, in the order written (just this plan when the spec has no targets:). */
  readonly targetPlans: () => Plan[];
  /** .dockerignore's patterns for the build context: `<spec>.dockerignore`, else the context's. */
  readonly contextExcludes: readonly string[];
  /**
   * The Go files' headers for the go list step; undefined where it reads the
   * source. Only a build reads them: the whole context is sent for it.
   */
  readonly readGoHeaders: () => Promise<GoHeaders | undefined>;
}

/** The files errors may point into, filled in as they are read. */
export type MutableSources = { -readonly [K in keyof ErrorSources]?: ErrorSources[K] };

export async function loadProject(source: ProjectSource, opts: LoadOptions, sources: MutableSources): Promise<Loaded> {
  const { filename, target, platforms, ...options } = opts;
  const [specInput, context] = await Promise.all([source.readSpec(filename), source.readContext()]);
  sources.spec = { filename, data: specInput.data };
  if (context.goMod) sources.goMod = { filename: "go.mod", data: context.goMod };

  const parsed = selectTarget(parseSpec(new TextDecoder().decode(specInput.data), filename), target);
  const rootGoMod = context.goMod ? parseGoMod(new TextDecoder().decode(context.goMod), "go.mod") : undefined;
  const workspace = context.goWork ? await readWorkspace(source, context.goWork, sources) : undefined;
  const goMod = (workspace && moduleForMain(workspace, parsed.spec.main)?.goMod) ?? rootGoMod;
  const input = {
    goMod,
    ...contextFacts({
      goSum: context.hasGoSum,
      vendorModules: context.vendored,
      gitHead: context.gitHead,
      excludes: parseDockerignore(specInput.dockerignore ?? context.dockerignore),
    }),
    ...(workspace ? { workspace } : {}),
  };
  // .git is read only when it is in the context: ${COMMIT} when some ldflags use it and no build arg
  // of that name is given; the commit's time unless a SOURCE_DATE_EPOCH build arg is given.
  const wantCommit = input.hasGit && !Object.hasOwn(options.buildArgs, "COMMIT") && specUsesVar(parsed, "COMMIT");
  const wantTime = input.hasGit && !Object.hasOwn(options.buildArgs, SOURCE_DATE_EPOCH);
  // A HEAD or packed-refs past its size limit fails ${COMMIT}, which needs it; the date can do without.
  const commit = wantCommit ? await readCommit(source) : wantTime ? await readCommit(source).catch(unlessTooLarge) : undefined;
  const vcsTime = wantTime && commit !== undefined ? await readCommitTime(source, commit) : undefined;
  const planOptions: FrontendOptions = {
    ...options,
    platforms: platforms === "" ? [] : parsePlatforms(platforms),
    ...(target !== undefined ? { target } : {}),
    ...(wantCommit && commit !== undefined ? { vcsCommit: commit } : {}),
    ...(vcsTime !== undefined ? { vcsTime } : {}),
  };
  const planned = planTargets({ ...input, spec: parsed, options: planOptions });
  const contextExcludes = parseDockerignore(specInput.dockerignore ?? context.dockerignore);
  const headersUsed = headersStandForSource(planned.plan);
  const readHeaders = async () => (headersUsed ? readGoHeaders(await source.contextTree(contextExcludes)) : undefined);
  return { filename, specInput, context, parsed, ...planned, contextExcludes, readGoHeaders: readHeaders };
}

function unlessTooLarge(err: unknown): undefined {
  if (err instanceof FileTooLargeError) return undefined;
  throw err;
}
