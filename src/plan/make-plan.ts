/** Spec + go.mod + frontend options → the Plan: every decision for one build, pure and deterministic. */
import type { ParsedGoMod } from "../gomod/types.js";
import type { Problem } from "../spec/checks.js";
import { SpecErrors } from "../spec/spec-errors.js";
import type { FieldName, ParsedSpec } from "../spec/types.js";
import { defaultBinaryName } from "./binary-name.js";
import { cgoCrossProblem, cgoPlan } from "./cgo-plan.js";
import { type WorkspaceInput, workspaceModuleFiles } from "./workspace.js";
import { externalReplaces, localReplaceDirs } from "./local-replaces.js";
import { goEnv } from "./go-env.js";
import { chooseGoVersion } from "./go-version.js";
import { basePlan, imageConfigPlan } from "./image-plan.js";
import type { FrontendOptions } from "./options.js";
import type { Plan, SpecRange } from "./types.js";

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
}

/** Decide the build; throws SpecErrors positioned on the spec when the inputs cannot work together. */
export function makePlan({ spec: parsed, goMod, options, vendored = false, missingGoSum = false, workspace }: PlanInput): Plan {
  const { spec, ranges } = parsed;
  if (goMod === undefined) {
    throw errorAt(parsed, undefined, {
      message: "the build context has no go.mod",
      hint: `run "go mod init example.com/app" there, or pass the module's directory as the context: docker buildx build -f slimgo.yaml <module dir>`,
    });
  }

  const choice = chooseGoVersion(spec.go, goMod);
  if ("problem" in choice) throw errorAt(parsed, choice.field, choice.problem);
  const goVersion = choice.version;

  const cgo = cgoPlan(spec);
  if ("problem" in cgo) throw errorAt(parsed, cgo.field, cgo.problem);
  const targetPlatforms = options.platforms.length > 0 ? [...options.platforms] : [options.buildPlatform];
  const cross = spec.cgo ? cgoCrossProblem(targetPlatforms, options.buildPlatform) : undefined;
  if (cross) throw errorAt(parsed, "cgo", cross);

  const base = basePlan(spec.base, options.buildArgs);
  const locations: { download: SpecRange; build: SpecRange; base?: SpecRange } = {
    // The builder image is what runs the download, so its field explains a failure best.
    download: ranges.fields.builder ?? ranges.fields.go ?? ranges.firstLine,
    build: ranges.fields.main ?? ranges.firstLine,
    ...(ranges.fields.base ? { base: ranges.fields.base } : {}),
  };

  const workspaceFiles = workspace ? workspaceModuleFiles(workspace) : undefined;
  const external = workspace ? [] : externalReplaces(goMod, new Set(options.namedContexts ?? []));
  const localReplaces = workspace ? [] : localReplaceDirs(goMod);
  return {
    main: spec.main,
    binaryName: spec.name ?? defaultBinaryName(goMod.module, spec.main),
    goVersion,
    builderImage: spec.builder ?? `golang:${goVersion}-bookworm`,
    cgo: spec.cgo,
    ...(cgo.link ? { link: cgo.link } : {}),
    tags: [...cgo.tags],
    ldflags: cgo.ldflags,
    goEnv: goEnv(spec.buildEnv, options.buildArgs),
    network: options.network,
    base,
    buildPlatform: options.buildPlatform,
    targetPlatforms,
    image: imageConfigPlan(spec, base),
    noCache: options.noCache,
    ...(localReplaces.length > 0 ? { localReplaces } : {}),
    ...(vendored ? { vendored: true } : {}),
    ...(workspaceFiles ? { workspaceFiles } : {}),
    ...(external.length > 0 ? { externalReplaces: external } : {}),
    ...(spec.compress === "upx" ? { compress: "upx" as const } : {}),
    ...(missingGoSum && !vendored && !workspace ? { missingGoSum: true } : {}),
    locations,
  };
}

// On the field's range when the user wrote it, else on the first line.
function errorAt(parsed: ParsedSpec, field: FieldName | undefined, problem: Problem): SpecErrors {
  const range = (field === undefined ? undefined : parsed.ranges.fields[field]) ?? parsed.ranges.firstLine;
  const { start, end } = range;
  return new SpecErrors([
    { file: parsed.file, line: start.line, col: start.col, endLine: end.line, endCol: end.col, path: field ?? "", ...problem },
  ]);
}
