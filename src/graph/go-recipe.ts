/**
 * The Go recipe: plan → LLB states, one final image per target platform.
 *
 *   builder ─┬─ go mod download (go.mod, go.sum) ─┐
 *            ├─ go build (context, modules) ×N ───┼─ final image ×N
 *            └─ static base ──────────────────────┘
 */
import { copy, image, local, scratch, type SourceFile, type State } from "../llb/index.js";
import type { ImageConfigJson } from "../gateway/llb-bridge.js";
import type { Plan, Platform } from "../plan/types.js";
import { compile } from "./compile.js";
import { downloadModules } from "./download.js";
import { parseEnvList } from "./env.js";
import { platformId } from "./go-env.js";
import { binaryPath, imageConfig } from "./image-config.js";
import { staticBase } from "./static-base.js";
import { upxPack, upxTool } from "./upx.js";

export interface RecipeInputs {
  readonly sessionId: string;
  /** .dockerignore patterns for the build context. */
  readonly contextExcludes: readonly string[];
  /** Config of the builder image (its Env carries PATH and GOPATH). */
  readonly builderConfig: ImageConfigJson;
  /** Config of `base: <image>` per target platform id. */
  readonly baseConfigs: ReadonlyMap<string, ImageConfigJson>;
  readonly resolveMode: "default" | "pull" | "local";
  readonly extraLabels: ReadonlyArray<readonly [string, string]>;
  readonly specFile?: SourceFile | undefined;
  /** For cgo with link: dynamic, the loader and libraries to copy from the builder, per platform id. */
  readonly runtimeFiles?: ReadonlyMap<string, readonly string[]>;
}

export interface PlatformImage {
  readonly platform: Platform;
  readonly state: State;
  readonly config: ImageConfigJson;
  /** The build step's output: the binary at /<name> and the go list report. */
  readonly build: State;
  /** With compress: upx, the packed binary at /<name>. */
  readonly packed?: State;
}

export function goRecipe(plan: Plan, inputs: RecipeInputs): PlatformImage[] {
  let builder = image(plan.builderImage, { platform: plan.buildPlatform, resolveMode: inputs.resolveMode });
  for (const [k, v] of parseEnvList(inputs.builderConfig.config?.Env)) builder = builder.addEnv(k, v);
  builder = builder.dir(inputs.builderConfig.config?.WorkingDir || "/");

  const downloaded = plan.vendored ? undefined : downloadModules(builder, plan, { sessionId: inputs.sessionId, specFile: inputs.specFile });
  const context = local("context", {
    sessionId: inputs.sessionId,
    excludePatterns: [...inputs.contextExcludes],
    sharedKeyHint: "context",
    customName: "[context] load build context",
  });
  const essentials = plan.base.kind === "static" ? staticBase(builder) : undefined;
  const multiPlatform = plan.targetPlatforms.length > 1;
  const upx = plan.compress === "upx" ? upxTool(builder, plan) : undefined;

  return plan.targetPlatforms.map((platform) => {
    const bin = compile(builder, plan, platform, {
      context,
      sessionId: inputs.sessionId,
      modules: downloaded?.modules,
      goSum: downloaded?.goSum,
      specFile: inputs.specFile,
      multiPlatform,
    });
    const packed = upx ? upxPack(upx, bin, plan, platform, multiPlatform) : undefined;
    const baseConfig = inputs.baseConfigs.get(platformId(platform));
    const root = withRuntimeFiles(finalRoot(plan, platform, essentials, inputs.resolveMode), builder, inputs.runtimeFiles?.get(platformId(platform)));
    const state = root.file(
      copyBinary(packed ?? bin, plan),
      { customName: `${multiPlatform ? `[${platformId(platform)}] ` : ""}copy ${plan.binaryName} into the image` },
    );
    const config = imageConfig({ plan, platform, baseConfig, extraLabels: inputs.extraLabels });
    return { platform, state, build: bin, config, ...(packed ? { packed } : {}) };
  });
}

function finalRoot(plan: Plan, platform: Platform, essentials: State | undefined, resolveMode: RecipeInputs["resolveMode"]): State {
  switch (plan.base.kind) {
    case "static":
      return essentials ?? scratch();
    case "scratch":
      return scratch();
    case "image":
      return image(plan.base.ref, { platform, resolveMode });
  }
}

/** The loader and shared libraries a dynamic cgo binary needs, at the paths the loader looks in. */
function withRuntimeFiles(root: State, builder: State, files: readonly string[] | undefined): State {
  const [first, ...rest] = files ?? [];
  if (first === undefined) return root;
  const opts = { followSymlinks: true, createDestPath: true };
  const chain = rest.reduce((c, path) => c.copy(builder, path, path, opts), copy(builder, first, first, opts));
  const names = (files ?? []).map((f) => f.slice(f.lastIndexOf("/") + 1)).join(", ");
  return root.file(chain, { customName: `runtime libraries: ${names}` });
}

function copyBinary(bin: State, plan: Plan) {
  return copy(bin, `/${plan.binaryName}`, binaryPath(plan), { createDestPath: true, mode: 0o755 });
}
