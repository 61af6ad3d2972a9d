/**
 * The compiled-package steps of one binary and platform: the standard library
 * packages `go list` named, those of downloaded modules, and the main
 * module's own but for the main package; each keeps their go-build cache
 * entries as a layer.
 *
 * The go-build cache is a cache mount, and BuildKit never exports cache
 * mounts, so a fresh builder restoring a registry cache used to compile
 * every package again after any change. These layers are exported like any
 * other, and later steps copy them into their cache mount. Neither sees the
 * source: the standard library's step sees only its list (so a go.mod change
 * leaves it cached), the modules' step go.mod/go.sum, the module layer and
 * its list. The main module's step sees the source without the main
 * package's own files, so an edit there leaves it cached: a fresh builder
 * then compiles only the main package.
 */
import { COMPILE_DEPS_SH, SEED_CACHE_SH } from "../gen/shell.js";
import type { MountOptions, State } from "../llb/index.js";
import { type NoCacheStep, ignoresCache } from "../plan/no-cache.js";
import type { BinaryPlan, Plan, Platform } from "../plan/types.js";
import { mergeEnv } from "./env.js";
import { type GoStepInputs, compileFlags, goBuildCacheMount, goModMounts, goStepEnv, moduleMounts, sourceMounts } from "./go-step.js";
import { DEPENDENCY_LIST, LOCAL_LIST, STD_LIST } from "./list-packages.js";
import { DEPENDENCY_CACHE_DIR, DEPENDENCY_CACHE_STAMP, LOCAL_CACHE_DIR, OUT_DIR, SRC_DIR, STD_CACHE_DIR } from "./paths.js";
import { stepPrefix } from "./step-name.js";

const LIST_FILE = "/slimgo-packages.txt";

export interface DependencyInputs extends GoStepInputs {
  /** The go list step's output. */
  readonly packages: State;
  /** The build context without the main package's own files (local-packages.ts). */
  readonly libraries: State;
}

/** The layers later Go steps copy into their go-build cache, and where they mount them. */
export interface CompiledLayers {
  readonly std: State;
  /** Undefined when building from vendor/: vendored packages are source. */
  readonly modules: State | undefined;
  /** The main module's packages but the main package; undefined for the layers the main module's step starts from. */
  readonly local?: State;
}

/** The three layers; each step starts from the layers before it. */
export function compileDependencies(builder: State, plan: Plan, bin: BinaryPlan, target: Platform, label: string | undefined, inputs: DependencyInputs, downloaded: boolean): CompiledLayers {
  const prefix = stepPrefix(label, target, inputs.multiPlatform);
  const std = compileStep(builder, plan, bin, target, inputs, {
    layer: "standard library",
    list: STD_LIST,
    // No go.mod in view: the standard library compiles the same in any module, and its key stays off go.sum.
    dir: "/",
    env: [["GOFLAGS", plan.goEnv.find(([k]) => k === "GOFLAGS")?.[1] ?? ""], ["GOWORK", "off"]],
    mounts: [],
    name: `${prefix}compile the standard library packages of ${bin.main}`,
    noCache: "deps",
  });
  const modules = downloaded
    ? compileStep(builder, plan, bin, target, inputs, {
        layer: "dependency",
        list: DEPENDENCY_LIST,
        dir: SRC_DIR,
        env: [],
        mounts: [...goModMounts(plan, inputs.sessionId), ...moduleMounts(inputs)],
        seed: { std, modules: undefined },
        name: `${prefix}compile the dependencies of ${bin.main}`,
        noCache: "deps",
      })
    : undefined;
  const local = compileStep(builder, plan, bin, target, inputs, {
    layer: "main module",
    list: LOCAL_LIST,
    dir: SRC_DIR,
    env: [],
    mounts: sourceMounts(plan, { ...inputs, context: inputs.libraries }),
    seed: { std, modules },
    name: `${prefix}compile the main module's packages for ${bin.main}`,
    noCache: "build",
  });
  return { std, modules, local };
}

/** Read-only mounts of the layers, keyed on their steps: hashing 100+ MB of cache entries buys no hit. */
export function seedMounts(layers: CompiledLayers): MountOptions[] {
  return seeded(layers).map(([dest, source]) => ({ dest, source, readonly: true, contentCache: "off" as const }));
}

/** The environment that makes seed-cache.sh copy the mounted layers first, in order. */
export function seedEnv(layers: CompiledLayers): Array<[string, string]> {
  return [
    ["SLIMGO_SEED_DIRS", seeded(layers).map(([dir]) => dir).join(" ")],
    ["SLIMGO_STAMP", DEPENDENCY_CACHE_STAMP],
  ];
}

function seeded(layers: CompiledLayers): Array<[string, State]> {
  const out: Array<[string, State]> = [[STD_CACHE_DIR, layers.std]];
  if (layers.modules) out.push([DEPENDENCY_CACHE_DIR, layers.modules]);
  if (layers.local) out.push([LOCAL_CACHE_DIR, layers.local]);
  return out;
}

/** seed-cache.sh, then the step's own script. */
export function withSeeding(script: string): string {
  return `${SEED_CACHE_SH}${script}`;
}

interface StepShape {
  readonly layer: string;
  readonly list: string;
  readonly dir: string;
  readonly env: ReadonlyArray<readonly [string, string]>;
  readonly mounts: readonly MountOptions[];
  /** Layers copied into the cache mount before compiling. */
  readonly seed?: CompiledLayers;
  readonly name: string;
  /** The `--no-cache-filter` name that reruns it: the main module's packages are source, so "build". */
  readonly noCache: NoCacheStep;
}

function compileStep(builder: State, plan: Plan, bin: BinaryPlan, target: Platform, inputs: DependencyInputs, shape: StepShape): State {
  const seed = shape.seed;
  const step = builder.run({
    args: ["/bin/sh", "-c", seed ? withSeeding(COMPILE_DEPS_SH) : COMPILE_DEPS_SH],
    env: mergeEnv(
      goStepEnv(plan, bin, target, [
        ["SLIMGO_FLAGS", compileFlags(bin).join(" ")],
        ["SLIMGO_LIST_FILE", LIST_FILE],
        ["SLIMGO_OUT", OUT_DIR],
        ["SLIMGO_STAMP", DEPENDENCY_CACHE_STAMP],
        ["SLIMGO_LAYER", shape.layer],
        ...(seed ? seedEnv(seed) : []),
      ]),
      shape.env,
    ),
    dir: shape.dir,
    mounts: [
      ...shape.mounts,
      ...(seed ? seedMounts(seed) : []),
      // Read-only with a selector: BuildKit keys the step on this file's content.
      { dest: LIST_FILE, source: inputs.packages, selector: shape.list, readonly: true },
      goBuildCacheMount(plan, bin, target),
      { dest: OUT_DIR },
    ],
    network: "none",
    customName: shape.name,
    ...(ignoresCache(plan, shape.noCache, bin) ? { ignoreCache: true } : {}),
  });
  return step.getMount(OUT_DIR);
}
