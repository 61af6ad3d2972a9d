/** `-o`, `-t`, `--push` and `--load` as the exporters BuildKit runs, the way buildx maps them. */
import { LlbError, normalizeImageRef } from "../llb/index.js";
import type { BuildOptions, OutputEntry } from "./build-options.js";
import type { OutputSpec } from "./session-port.js";

export interface ExportPlan {
  /** SolveRequest.Exporters, in order. */
  readonly exporters: ReadonlyArray<{ type: string; attrs: Record<string, string> }>;
  /** Files the session receives, one per exporter that writes to the client. */
  readonly outputs: ReadonlyArray<OutputSpec & { readonly exporterIndex: number }>;
  /** A tar the engine must `docker load` afterwards (--load on a builder that is not the engine's). */
  readonly loadTar?: string;
  /** Said once before the build, like buildx's "No output specified". */
  readonly notes: readonly string[];
}

const FILE_TYPES = new Set(["local", "tar", "oci", "docker"]);

/**
 * `engine`: the node is the Docker engine's own BuildKit, whose image
 * exporter names images straight into the engine's store; `tmpTar` names a
 * file for --load elsewhere.
 */
export function exportPlan(o: BuildOptions, engine: boolean, tmpTar: () => string): ExportPlan {
  if (o.call !== "build") return { exporters: [], outputs: [], notes: [] };
  const entries: OutputEntry[] = [...o.outputs];
  const notes: string[] = [];
  let loadTar: string | undefined;
  if (o.push) {
    const image = entries.findIndex((e) => e.type === "image");
    if (image >= 0) entries[image] = { type: "image", attrs: { ...entries[image]?.attrs, push: "true" } };
    else entries.push({ type: "image", attrs: { push: "true" } });
  }
  // The docker driver loads by default, as `docker build` does.
  const load = o.load || (engine && entries.length === 0);
  if (load) {
    if (engine) entries.push({ type: "image", attrs: {} });
    else {
      loadTar = tmpTar();
      entries.push({ type: "docker", attrs: { dest: loadTar } });
    }
  }
  if (entries.length === 0) notes.push("no output specified: the result stays in BuildKit's cache; use --load, --push or -o to keep it");

  const names = o.tags.map(normalizedTag).join(",");
  const exporters: Array<{ type: string; attrs: Record<string, string> }> = [];
  const outputs: Array<OutputSpec & { exporterIndex: number }> = [];
  for (const e of entries) {
    const { dest, ...rest } = e.attrs;
    const attrs: Record<string, string> = { ...rest };
    if (names !== "" && (e.type === "image" || e.type === "docker" || e.type === "oci") && attrs["name"] === undefined) attrs["name"] = names;
    if ((e.type === "image" || e.type === "registry") && attrs["push"] === "true" && attrs["name"] === undefined) {
      throw new ExportError("--push needs an image name: add -t REGISTRY/NAME:TAG (or name= in -o)");
    }
    if (FILE_TYPES.has(e.type)) {
      if (dest === undefined) throw new ExportError(`-o type=${e.type} needs dest=PATH`);
      outputs.push({ type: e.type as OutputSpec["type"], dest, exporterIndex: exporters.length });
    }
    exporters.push({ type: e.type, attrs });
  }
  return { exporters, outputs, ...(loadTar !== undefined ? { loadTar } : {}), notes };
}

/** `app:1` → `docker.io/library/app:1`, as buildx names images: the engine's store knows them only so. */
function normalizedTag(tag: string): string {
  try {
    return normalizeImageRef(tag);
  } catch (err) {
    if (err instanceof LlbError) throw new ExportError(`-t ${tag}: ${err.message}: write name[:tag], like myapp:1.0 or registry.example/team/app`);
    throw err;
  }
}

/** An output that cannot be produced as asked: one line with the fix. */
export class ExportError extends Error {
  override name = "ExportError";
}
