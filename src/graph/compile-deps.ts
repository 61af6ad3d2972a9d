/**
 * The compiled-package steps of one binary and platform: one compiles the
 * standard library packages `go list` named, the other those of downloaded
 * modules, and each keeps their go-build cache entries as a layer.
 *
 * The go-build cache is a cache mount, and BuildKit never exports cache
 * mounts, so a fresh builder restoring a registry cache used to compile
 * every package again after any change. These layers are exported like any
 * other, and later steps copy them into their cache mount. Neither sees the
 * source: the standard library's step sees only its list (so a go.mod change
 * leaves it cached), the modules' step go.mod/go.sum, the module layer and
 * its list.
 */
import { COMPILE_DEPS_SH, SEED_CACHE_SH } from "../gen/shell.js";
import type { MountOptions, State } from "../llb/index.js";
import { ignoresCache } from "../plan/no-cache.js";
import type { BinaryPlan, Plan, Platform } from "../plan/types.js";
import { mergeEnv } from "./env.js";
import { type GoStepInputs, compileFlags, goBuildCacheMount, goModMounts, goStepEnv, moduleMounts } from "./go-step.js";
import { DEPENDENCY_LIST, STD_LIST } from "./list-packages.js";
import { DEPENDENCY_CACHE_DIR, DEPENDENCY_CACHE_STAMP, OUT_DIR, SRC_DIR, STD_CACHE_DIR } from "./paths.js";
import { stepPrefix } from "./step-name.js";

const LIST_FILE = "/slimgo-packages.txt";

export interface DependencyInputs extends GoStepInputs {
  /** The go list step's output. */
  readonly packages: State;
}

/** The layers later Go steps copy into their go-build cache, and where they mount them. */
export interface CompiledLayers {
  readonly std: State;
  /** Undefined when building from vendor/: vendored packages are source. */
  readonly modules: State | undefined;
}

/** Both layers; the modules' step starts from the standard library's. */
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
      })
    : undefined;
  return { std, modules };
}

/** Read-only mounts of the layers, keyed on their steps: hashing 100+ MB of cache entries buys no hit. */
export function seedMounts(layers: CompiledLayers): MountOptions[] {
  return [
    { dest: STD_CACHE_DIR, source: layers.std, readonly: true, contentCache: "off" },
    ...(layers.modules ? [{ dest: DEPENDENCY_CACHE_DIR, source: layers.modules, readonly: true, contentCache: "off" as const }] : []),
  ];
}

/** The environment that makes seed-cache.sh copy the mounted layers first. */
export function seedEnv(layers: CompiledLayers): Array<[string, string]> {
  return [
    ["SLIMGO_SEED_DIRS", layers.modules ? `${STD_CACHE_DIR} ${DEPENDENCY_CACHE_DIR}` : STD_CACHE_DIR],
    ["SLIMGO_STAMP", DEPENDENCY_CACHE_STAMP],
  ];
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
    ...(ignoresCache(plan, "deps", bin) ? { ignoreCache: true } : {}),
  });
  return step.getMount(OUT_DIR);
}
