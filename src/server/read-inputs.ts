/** Reading the user's files through BuildKit: the spec from the `dockerfile` local, go.mod and .dockerignore from the context. */
import { parseGoMod, parseGoWork } from "../gomod/index.js";
import { headDigest, local, marshal } from "../llb/index.js";
import { type WorkspaceInput, missingUseError, useDir } from "../plan/index.js";
import { type Caps, type Gateway, isFileAnswer } from "../gateway/llb-bridge.js";
import { LOCAL_CONTEXT, LOCAL_SPEC } from "../gateway/options.js";

export interface SpecInput {
  readonly filename: string;
  readonly data: Uint8Array;
  /** `<spec>.dockerignore` beside the spec, which takes precedence over the context's. */
  readonly dockerignore: Uint8Array | undefined;
  /** Digest of the step that loaded the spec: warnings attach to it in the progress output. */
  readonly vertex: string | undefined;
}

export interface ContextInput {
  readonly goMod: Uint8Array | undefined;
  /** go.sum is there (its content is never read: the download step mounts the file itself). */
  readonly hasGoSum: boolean;
  readonly dockerignore: Uint8Array | undefined;
  readonly vendored: boolean;
  readonly goWork: Uint8Array | undefined;
  /** The context root has .git/HEAD (before .dockerignore is applied). */
  readonly gitHead: boolean;
}

/**
 * Transfer a few named files of a local source and solve them, so they can
 * be read. Always re-sent: size and mtime say nothing about an edited file.
 */
export async function loadFiles(
  gw: Gateway,
  caps: Caps,
  o: { name: string; sessionId: string; paths: string[]; sharedKeyHint: string; customName: string },
): Promise<{ ref: string; vertex: string | undefined }> {
  const state = local(o.name, {
    sessionId: o.sessionId,
    followPaths: o.paths,
    sharedKeyHint: o.sharedKeyHint,
    ...(caps.llb.has("source.local.differ") ? { differ: "none" as const } : {}),
    customName: o.customName,
  });
  const def = marshal(state, { caps: caps.llb });
  return { ref: await gw.solve(def), vertex: headDigest(def) };
}

/**
 * The most slimgo reads of the spec, go.mod, go.work and .dockerignore:
 * hundreds of times any real one, and small enough that a mistaken or
 * hostile file fails at once with its name instead of filling memory.
 */
export const MAX_INPUT_BYTES = 1 << 20;

/** A file the user named that BuildKit could not find. */
export class MissingFileError extends Error {
  override name = "MissingFileError";
}

export async function readSpec(gw: Gateway, caps: Caps, opts: { filename: string; sessionId: string }): Promise<SpecInput> {
  const ignoreName = `${opts.filename}.dockerignore`;
  const { ref, vertex } = await loadFiles(gw, caps, {
    name: LOCAL_SPEC,
    sessionId: opts.sessionId,
    paths: [opts.filename, ignoreName],
    sharedKeyHint: LOCAL_SPEC,
    customName: `[internal] load build definition from ${opts.filename}`,
  });
  const names = new Set(await gw.readDir(ref, "/"));
  if (!names.has(opts.filename)) {
    throw new MissingFileError(
      `${opts.filename}: no such file in the build definition directory: pass the spec with -f (docker buildx build -f slimgo.yaml .)`,
    );
  }
  return {
    filename: opts.filename,
    data: await gw.readWholeFile(ref, opts.filename, MAX_INPUT_BYTES),
    dockerignore: names.has(ignoreName) ? await gw.readWholeFile(ref, ignoreName, MAX_INPUT_BYTES) : undefined,
    vertex,
  };
}

export async function readContext(gw: Gateway, caps: Caps, opts: { sessionId: string }): Promise<ContextInput> {
  const { ref } = await loadFiles(gw, caps, {
    name: LOCAL_CONTEXT,
    sessionId: opts.sessionId,
    paths: ["go.mod", "go.sum", "go.work", ".dockerignore", "vendor/modules.txt", ".git/HEAD"],
    sharedKeyHint: "slimgo-context-meta",
    customName: "[internal] load go.mod and .dockerignore",
  });
  const names = new Set(await gw.readDir(ref, "/"));
  const read = async (name: string) => (names.has(name) ? gw.readWholeFile(ref, name, MAX_INPUT_BYTES) : undefined);
  // Side by side: each read is a round trip to BuildKit.
  const [goMod, goWork, dockerignore, vendored] = await Promise.all([
    read("go.mod"),
    read("go.work"),
    read(".dockerignore"),
    names.has("vendor") ? gw.readDir(ref, "vendor").then((v) => v.includes("modules.txt")) : false,
  ]);
  return { goMod, hasGoSum: names.has("go.sum"), goWork, dockerignore, vendored, gitHead: names.has(".git") };
}

/** go.work and the go.mod of each module it uses, read through BuildKit; records the files for error framing. */
export async function readWorkspace(
  gw: Gateway,
  caps: Caps,
  sessionId: string,
  goWorkData: Uint8Array,
  sources: { goFiles?: ReadonlyMap<string, Uint8Array> },
): Promise<WorkspaceInput> {
  const files = new Map<string, Uint8Array>([["go.work", goWorkData]]);
  sources.goFiles = files;
  const goWork = parseGoWork(new TextDecoder().decode(goWorkData), "go.work");
  const dirs = goWork.use.map((u) => useDir(u));
  const goModPath = (dir: string) => (dir === "." ? "go.mod" : `${dir}/go.mod`);
  const { ref } = await loadFiles(gw, caps, {
    name: LOCAL_CONTEXT,
    sessionId,
    paths: dirs.map(goModPath),
    sharedKeyHint: "slimgo-context-workspace",
    customName: "[internal] load the go.mod files go.work uses",
  });
  const modules = [];
  for (const [i, dir] of dirs.entries()) {
    const path = goModPath(dir);
    let data: Uint8Array;
    try {
      data = await gw.readWholeFile(ref, path, MAX_INPUT_BYTES);
    } catch (err) {
      if (!isFileAnswer(err)) throw err;
      throw missingUseError(goWork.use[i] ?? { path: dir, line: 1 }, path);
    }
    files.set(path, data);
    modules.push({ dir, goMod: parseGoMod(new TextDecoder().decode(data), path) });
  }
  return { goWork, modules };
}
