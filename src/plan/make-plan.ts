/** Spec + go.mod + frontend options → the Plan: every decision for one build, pure and deterministic. */
import type { ParsedGoMod } from "../gomod/types.js";
import type { Problem } from "../spec/checks.js";
import { SpecErrors } from "../spec/spec-errors.js";
import { selectTarget } from "../spec/select-target.js";
import type { FieldName, ParsedSpec } from "../spec/types.js";
import { defaultBinaryName } from "./binary-name.js";
import { cgoCrossProblem, cgoPlan } from "./cgo-plan.js";
import { type WorkspaceInput, workspaceModuleFiles } from "./workspace.js";
import { externalReplaces, localReplaceDirs } from "./local-replaces.js";
import { CACHE_NAMESPACE_BUILD_ARG, cacheKey } from "./cache-namespace.js";
import { goEnv } from "./go-env.js";
import { buildEpoch } from "./source-date-epoch.js";
import { GIT_SSH_BUILD_ARG, gitSshHosts } from "./git-ssh.js";
import { privateHosts, privatePatterns, privateRequires } from "./private-modules.js";
import { chooseGoVersion, goLineBefore } from "./go-version.js";
import { basePlan, imageConfigPlan } from "./image-plan.js";
import type { FrontendOptions } from "./options.js";
import { ldflagsValues, resolveLdflags } from "./ldflags.js";
import { noCacheFilterProblem } from "./no-cache.js";
import type { BinaryPlan, Plan, SpecRange } from "./types.js";

/** Everything the planner reads. */
export interface PlanInput {
  readonly spec: ParsedSpec;
  /** undefined when the build context has no go.mod. */
  readonly goMod: ParsedGoMod | undefined;
  readonly options: FrontendOptions;
  /** The context has vendor/modules.txt: build from vendor/, download nothing. */
  readonly vendored?: boolean;
  /** The context has no go.sum. */
  readonly missingGoSum?: boolean;
  /** The context has a go.work; goMod is then the used module that holds main. */
  readonly workspace?: WorkspaceInput;
  /** The context holds .git, so go build can stamp VCS information. */
  readonly hasGit?: boolean;
}

/** Decide the build; throws SpecErrors positioned on the spec when the inputs cannot work together. */
export function makePlan(input: PlanInput): Plan {
  const { goMod, options, missingGoSum = false, workspace, hasGit = false } = input;
  const parsed = input.spec.target === undefined ? selectTarget(input.spec, options.target) : input.spec;
  const { spec, ranges } = parsed;
  if (goMod === undefined) {
    throw errorAt(parsed, undefined, {
      message: "the build context has no go.mod",
      hint: `run "go mod init example.com/app" there, or pass the module's directory as the context: docker buildx build -f slimgo.yaml <module dir>`,
    });
  }

  // Go uses vendor/ by itself only from "go 1.14" on; older modules ignore it (and it is often stale there).
  const vendored = (input.vendored ?? false) && !goLineBefore(goMod, "1.14");
  const choice = chooseGoVersion(spec.go, goMod);
  if ("problem" in choice) throw errorAt(parsed, choice.field, choice.problem);
  const goVersion = choice.version;

  const targetPlatforms = options.platforms.length > 0 ? [...options.platforms] : [options.buildPlatform];
  const commitTime = hasGit ? options.vcsTime : undefined;
  const values = ldflagsValues(options.buildArgs, {
    ...(options.vcsCommit !== undefined && hasGit ? { commit: options.vcsCommit } : {}),
    ...(commitTime !== undefined ? { commitTime } : {}),
  });
  const { locations: binaryLocations, ...binary } = binaryPlan(parsed, goMod, values);
  if (parsed.targets.length === 0 && options.target !== undefined && options.target !== "" && options.target !== binary.binaryName) {
    throw errorAt(parsed, undefined, {
      message: `--target ${options.target}: this spec builds one image, ${binary.binaryName}, and has no targets:`,
      hint: `drop --target, or add "targets:" with ${options.target}: {main: ./cmd/${options.target}}`,
    });
  }
  const cross = spec.cgo ? cgoCrossProblem(targetPlatforms, options.buildPlatform) : undefined;
  if (cross) throw errorAt(parsed, "cgo", cross);
  const include = includedBinaries(input.spec, parsed, goMod, values, binary.binaryName);

  const noCacheFilter = options.noCacheFilter ?? [];
  // Only a filter needs the target names: listed for each of n targets they cost n² (a spec of thousands of targets).
  if (noCacheFilter.length > 0) {
    const targetNames = (input.spec.root ?? input.spec).targets.map((t) => t.name);
    const filterProblem = noCacheFilterProblem(noCacheFilter, targetNames.length > 0 ? targetNames : [binary.binaryName]);
    if (filterProblem) throw errorAt(parsed, undefined, filterProblem);
  }

  const base = basePlan(spec.base, options.buildArgs);
  const locations: { download: SpecRange; build: SpecRange; base?: SpecRange } = {
    // The builder image is what runs the download, so its field explains a failure best.
    download: ranges.fields.builder ?? ranges.fields.go ?? ranges.firstLine,
    build: binaryLocations.build ?? ranges.firstLine,
    ...(ranges.fields.base ? { base: ranges.fields.base } : {}),
  };

  const workspaceFiles = workspace ? workspaceModuleFiles(workspace) : undefined;
  const external = workspace ? [] : externalReplaces(goMod, new Set(options.namedContexts ?? []));
  const localReplaces = workspace ? [] : localReplaceDirs(goMod);
  const baseName = base.kind === "image" ? base.ref : base.kind;
  if (spec.caCerts.length > 0 && base.kind !== "static") {
    throw errorAt(parsed, "caCerts", {
      message: `these CAs join the bundle of base: static, but base is ${baseName}`,
      hint: base.kind === "scratch" ? "use base: static, or drop caCerts" : "add the CA to that image, or use base: static",
    });
  }
  const env = goEnv(spec.buildEnv, options.buildArgs);
  const goprivate = privatePatterns(env.find(([k]) => k === "GOPRIVATE")?.[1]);
  const privateModules = workspace ? [] : privateRequires(goMod, goprivate).map((r) => ({ path: r.path, line: r.line }));
  const sshHosts = gitSshHosts(privateHosts(goprivate), options.buildArgs[GIT_SSH_BUILD_ARG]);
  if (!Array.isArray(sshHosts)) throw errorAt(parsed, undefined, sshHosts);
  const epoch = buildEpoch(options.buildArgs, commitTime);
  if (typeof epoch === "object") throw errorAt(parsed, undefined, epoch);
  return {
    ...binary,
    description: spec.description ?? `go build ${binary.main} into ${binary.binaryName} on ${baseName}`,
    ...(include.length > 0 ? { include } : {}),
    ...(spec.files.length > 0 ? { files: spec.files } : {}),
    ...(spec.caCerts.length > 0 ? { caCerts: spec.caCerts } : {}),
    ...(epoch !== undefined ? { sourceDateEpoch: epoch } : {}),
    ...(spec.size !== undefined ? { size: spec.size } : {}),
    ...(hasGit ? { vcs: true } : {}),
    goVersion,
    builderImage: spec.builder ?? `golang:${goVersion}-bookworm`,
    goEnv: env,
    network: options.network,
    base,
    buildPlatform: options.buildPlatform,
    targetPlatforms,
    image: imageConfigPlan(spec, base),
    noCache: options.noCache,
    ...(noCacheFilter.length > 0 && !options.noCache ? { noCacheFilter: [...noCacheFilter] } : {}),
    cacheKey: cacheKey({
      option: options.cacheNamespace,
      buildArg: options.buildArgs[CACHE_NAMESPACE_BUILD_ARG],
      modules: workspace ? workspace.modules.map((m) => m.goMod.module) : [goMod.module],
    }),
    ...(localReplaces.length > 0 ? { localReplaces } : {}),
    ...(vendored ? { vendored: true } : {}),
    ...(workspaceFiles ? { workspaceFiles } : {}),
    ...(external.length > 0 ? { externalReplaces: external } : {}),
    ...(missingGoSum && !vendored && !workspace ? { missingGoSum: true } : {}),
    ...(privateModules.length > 0 ? { privateModules } : {}),
    ...(sshHosts.length > 0 ? { sshHosts } : {}),
    locations,
  };
}

/** The plan for the chosen target, and every target's plan on demand (for listing and checking them all). */
export function planTargets(input: PlanInput): { plan: Plan; targetPlans: () => Plan[] } {
  const plan = makePlan(input);
  const targets = (input.spec.root ?? input.spec).targets;
  const targetPlans = () =>
    targets.length === 0 ? [plan] : targets.map((t) => makePlan({ ...input, spec: selectTarget(input.spec, t.name), options: { ...input.options, target: t.name } }));
  return { plan, targetPlans };
}

/** The binary a (target's) spec builds: package, name, cgo, tags and flags. */
function binaryPlan(parsed: ParsedSpec, goMod: ParsedGoMod, buildArgs: Readonly<Record<string, string>>): BinaryPlan {
  const { spec, ranges } = parsed;
  const cgo = cgoPlan(spec);
  if ("problem" in cgo) throw errorAt(parsed, cgo.field, cgo.problem);
  const ldflags = resolveLdflags(cgo.ldflags, buildArgs);
  if ("problem" in ldflags) throw errorAt(parsed, "ldflags", ldflags.problem);
  const build = ranges.fields.main ?? targetRange(parsed);
  return {
    ...(parsed.target !== undefined ? { target: parsed.target } : {}),
    main: spec.main,
    binaryName: spec.name ?? defaultBinaryName(goMod.module, spec.main),
    cgo: spec.cgo,
    ...(cgo.link ? { link: cgo.link } : {}),
    tags: [...cgo.tags],
    ldflags: ldflags.ldflags,
    ...(spec.compress === "upx" ? { compress: "upx" as const } : {}),
    locations: build ? { build } : {},
  };
}

/** `include:` → the other targets' binaries; static ones only, each with its own file name. */
function includedBinaries(root: ParsedSpec, parsed: ParsedSpec, goMod: ParsedGoMod, buildArgs: Readonly<Record<string, string>>, own: string): BinaryPlan[] {
  const names = new Set([own]);
  return parsed.spec.include.map((name) => {
    const bin = binaryPlan(selectTarget(root, name), goMod, buildArgs);
    if (bin.link === "dynamic") {
      throw errorAt(parsed, "include", {
        message: `${name} is a dynamically linked cgo binary; an image can include static binaries only`,
        hint: `give ${name} link: static, or build it as an image of its own`,
      });
    }
    if (names.has(bin.binaryName)) {
      throw errorAt(parsed, "include", {
        message: `two binaries in this image are named ${bin.binaryName}`,
        hint: `set name: on target ${name}`,
      });
    }
    names.add(bin.binaryName);
    return bin;
  });
}

// A target's name in the file, where its steps point when main is not written.
function targetRange(parsed: ParsedSpec): SpecRange | undefined {
  return parsed.targets.find((t) => t.name === parsed.target)?.nameRange;
}

// On the field's range when the user wrote it, else on the first line.
function errorAt(parsed: ParsedSpec, field: FieldName | undefined, problem: Problem): SpecErrors {
  const range = (field === undefined ? undefined : parsed.ranges.fields[field]) ?? parsed.ranges.firstLine;
  const { start, end } = range;
  return new SpecErrors([
    { file: parsed.file, line: start.line, col: start.col, endLine: end.line, endCol: end.col, path: field ?? "", ...problem },
  ]);
}
