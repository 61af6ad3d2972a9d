/**
 * The Go recipe: plan → LLB states, one final image per target platform.
 *
 *   builder ─┬─ go mod download (go.mod, go.sum) ───────────────────────┐
 *            ├─ go list -deps (Go headers, modules) ─┬─ compile std ───┤
 *            │                                       └─ compile deps ──┤
 *            ├─ go build (context, modules, both compiled layers) ×N ─┼─ final image ×N
 *            └─ static base ────────────────────────────────────────────┘
 */
import { type FileActionChain, type OciStore, copy, local, mkdir, scratch, type SourceFile, type State, type Timestamped } from "../llb/index.js";
import type { GoHeaders, ImageConfigJson, ResolveMode } from "../types.js";
import type { BinaryPlan, Plan, Platform } from "../plan/types.js";
import { compile } from "./compile.js";
import { compileDependencies } from "./compile-deps.js";
import { listPackages } from "./list-packages.js";
import { headerTree } from "./header-tree.js";
import { librariesContext } from "./local-packages.js";
import { headersStandForSource } from "../plan/go-header.js";
import { binaryLabel, stepPrefix } from "./step-name.js";
import type { FileCopy } from "../spec/types.js";
import { downloadModules } from "./download.js";
import { parseEnvList } from "./env.js";
import { platformId } from "./go-env.js";
import { binaryPath, imageConfig } from "./image-config.js";
import { pinnedImage } from "./pinned-image.js";
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
  /** The digest BuildKit resolved the builder image to; the graph names it (unpinned when absent). */
  readonly builderDigest?: string;
  /** The digest of `base: <image>` per target platform id. */
  readonly baseDigests?: ReadonlyMap<string, string>;
  readonly resolveMode: ResolveMode;
  readonly extraLabels: ReadonlyArray<readonly [string, string]>;
  readonly specFile?: SourceFile | undefined;
  /** Images that come from a client's OCI layout (`--build-context NAME=oci-layout://…`), by reference. */
  readonly ociStores?: ReadonlyMap<string, OciStore>;
  /** For cgo with link: dynamic, the loader and libraries to copy from the builder, per platform id. */
  readonly runtimeFiles?: ReadonlyMap<string, readonly string[]>;
  /** The Go files' headers: the go list step reads these instead of the source when given. */
  readonly goHeaders?: GoHeaders | undefined;
}

/** One binary of an image, as built for one platform. */
export interface BuiltBinary {
  readonly bin: BinaryPlan;
  /** The build step's output: the binary at /<name> and the go list report. */
  readonly build: State;
  /** With compress: upx, the packed binary at /<name>. */
  readonly packed?: State;
}

export interface PlatformImage {
  readonly platform: Platform;
  readonly state: State;
  readonly config: ImageConfigJson;
  /** The entrypoint's binary first, then those of `include:`. */
  readonly binaries: readonly BuiltBinary[];
}

/** The build context as the Go steps see it; the frontend reads the Go headers from this same op, so it is sent once. */
export function buildContext(sessionId: string, excludes: readonly string[]): State {
  return local("context", { sessionId, excludePatterns: [...excludes], sharedKeyHint: "context", customName: "[context] load build context" });
}

export function goRecipe(plan: Plan, inputs: RecipeInputs): PlatformImage[] {
  let builder = pinnedImage(plan.builderImage, inputs.builderDigest, { platform: plan.buildPlatform, resolveMode: inputs.resolveMode, ociStores: inputs.ociStores });
  for (const [k, v] of parseEnvList(inputs.builderConfig.config?.Env)) builder = builder.addEnv(k, v);
  builder = builder.dir(inputs.builderConfig.config?.WorkingDir || "/");

  const downloaded = plan.vendored ? undefined : downloadModules(builder, plan, { sessionId: inputs.sessionId, specFile: inputs.specFile });
  const context = buildContext(inputs.sessionId, inputs.contextExcludes);
  const headers = inputs.goHeaders && headersStandForSource(plan) ? headerTree(inputs.sessionId, inputs.contextExcludes, inputs.goHeaders) : undefined;
  const essentials = plan.base.kind === "static" ? staticBase(builder, plan.caCerts, inputs.sessionId) : undefined;
  const multiPlatform = plan.targetPlatforms.length > 1;
  const upx = [plan, ...(plan.include ?? [])].some((b) => b.compress === "upx") ? upxTool(builder, plan) : undefined;

  // Each binary is a step of its own: `--target api` and an image that includes api share it in the cache.
  const bins: readonly BinaryPlan[] = [plan, ...(plan.include ?? [])];
  return plan.targetPlatforms.map((platform) => {
    const binaries = bins.map((bin): BuiltBinary => {
      const goInputs = {
        context,
        sessionId: inputs.sessionId,
        modules: downloaded?.modules,
        goSum: downloaded?.goSum,
        specFile: inputs.specFile,
        multiPlatform,
      };
      const label = binaryLabel(bin);
      const packages = listPackages(builder, plan, bin, platform, label, goInputs, headers);
      // Vendored dependencies are source: the build step compiles them.
      const libraries = librariesContext(inputs.sessionId, inputs.contextExcludes, bin.main);
      const dependencies = compileDependencies(builder, plan, bin, platform, label, { ...goInputs, packages, libraries }, downloaded !== undefined);
      const build = compile(builder, plan, bin, platform, label, { ...goInputs, packages, dependencies });
      const packed = upx && bin.compress === "upx" ? upxPack(upx, build, bin, platform, multiPlatform) : undefined;
      return { bin, build, ...(packed ? { packed } : {}) };
    });
    const baseConfig = inputs.baseConfigs.get(platformId(platform));
    const base = finalRoot(plan, platform, essentials, inputs, inputs.baseDigests?.get(platformId(platform)));
    const stamp = plan.sourceDateEpoch === undefined ? {} : { timestamp: plan.sourceDateEpoch };
    let root = withRuntimeFiles(base, builder, inputs.runtimeFiles?.get(platformId(platform)), stamp);
    // Files before binaries: a rebuilt binary then leaves the files' layer cached.
    // No platform in the name: on a static or scratch base this op is the same for every platform.
    if (plan.files !== undefined) root = root.file(copyFiles(context, plan.files, stamp), { customName: `${stepPrefix(plan.target, platform, false)}copy ${describeFiles(plan.files)}` });
    const state = root.file(copyChain(binaries.map((b) => binaryCopy(b.packed ?? b.build, b.bin, stamp))), {
      customName: `${stepPrefix(plan.target, platform, multiPlatform)}copy ${bins.map((b) => b.binaryName).join(", ")} into the image`,
    });
    const config = imageConfig({ plan, platform, baseConfig, extraLabels: inputs.extraLabels });
    return { platform, state, binaries, config };
  });
}

function finalRoot(plan: Plan, platform: Platform, essentials: State | undefined, inputs: RecipeInputs, digest: string | undefined): State {
  switch (plan.base.kind) {
    case "static":
      return essentials ?? scratch();
    case "scratch":
      return scratch();
    case "image":
      return pinnedImage(plan.base.ref, digest, { platform, resolveMode: inputs.resolveMode, ociStores: inputs.ociStores });
  }
}

/** The loader and shared libraries a dynamic cgo binary needs, at the paths the loader looks in. */
function withRuntimeFiles(root: State, builder: State, files: readonly string[] | undefined, stamp: Timestamped): State {
  if (files === undefined || files.length === 0) return root;
  const opts = { followSymlinks: true, createDestPath: true, ...stamp };
  const chain = copyChain(files.map((path): CopyArgs => [builder, path, path, opts]));
  const names = files.map((f) => f.slice(f.lastIndexOf("/") + 1)).join(", ");
  return root.file(chain, { customName: `runtime libraries: ${names}` });
}

type CopyArgs = Parameters<typeof copy>;

/** One file op that runs the copies in order (a single layer). */
function copyChain(copies: readonly CopyArgs[]): FileActionChain {
  const [first, ...rest] = copies;
  if (first === undefined) throw new Error("copyChain needs at least one copy");
  return rest.reduce((chain, args) => chain.copy(...args), copy(...first));
}

// With SOURCE_DATE_EPOCH, the copied files and the directories a copy creates all get that time.
function binaryCopy(from: State, bin: BinaryPlan, stamp: Timestamped): CopyArgs {
  return [from, `/${bin.binaryName}`, binaryPath(bin), { createDestPath: true, mode: 0o755, ...stamp }];
}

// A "dir/" source copies the directory's contents, as COPY does; without the slash, the directory itself.
function copyFiles(context: State, files: readonly FileCopy[], stamp: Timestamped): FileActionChain {
  let chain: FileActionChain | undefined;
  for (const f of files) {
    // BuildKit gives directories it creates for a copy the copy's mode too; 0640 would make them untraversable.
    if (f.mode !== undefined && f.dest.endsWith("/")) {
      const opts = { makeParents: true, ...stamp };
      chain = chain ? chain.mkdir(f.dest, 0o755, opts) : mkdir(f.dest, 0o755, opts);
    }
    const args: CopyArgs = [
      context,
      f.src === "." ? "/" : `/${f.src.replace(/\/$/, "")}`,
      f.dest,
      {
        createDestPath: true,
        allowWildcard: true,
        copyDirContentsOnly: f.src.endsWith("/") || f.src === ".",
        ...(f.mode !== undefined ? { mode: f.mode } : {}),
        ...(f.owner !== undefined ? { owner: f.owner } : {}),
        ...stamp,
      },
    ];
    chain = chain ? chain.copy(...args) : copy(...args);
  }
  if (chain === undefined) throw new Error("copyFiles needs at least one file");
  return chain;
}

function describeFiles(files: readonly FileCopy[]): string {
  const shown = files.slice(0, 3).map((f) => `${f.src} → ${f.dest}`);
  return files.length > 3 ? `${shown.join(", ")}, …` : shown.join(", ");
}
