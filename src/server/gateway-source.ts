/** The build's inputs read through BuildKit: the spec from the `dockerfile` local, go.mod and friends from the context. */
import { headDigest, local, marshal } from "../llb/index.js";
import { type Caps, type Gateway, isFileAnswer } from "../gateway/llb-bridge.js";
import { LOCAL_CONTEXT, LOCAL_SPEC } from "../gateway/options.js";
import { type ContextInput, MAX_INPUT_BYTES, MissingFileError, type ProjectSource, type SpecInput } from "./project-source.js";

export function gatewaySource(gw: Gateway, caps: Caps, sessionId: string): ProjectSource {
  /**
   * Transfer a few named files of a local source and solve them, so they can
   * be read. Always re-sent: size and mtime say nothing about an edited file.
   */
  const loadFiles = async (o: { name: string; paths: readonly string[]; sharedKeyHint: string; customName: string }) => {
    const state = local(o.name, {
      sessionId,
      followPaths: [...o.paths],
      sharedKeyHint: o.sharedKeyHint,
      ...(caps.llb.has("source.local.differ") ? { differ: "none" as const } : {}),
      customName: o.customName,
    });
    const def = marshal(state, { caps: caps.llb });
    return { ref: await gw.solve(def), vertex: headDigest(def) };
  };

  return {
    async readSpec(filename: string): Promise<SpecInput> {
      const ignoreName = `${filename}.dockerignore`;
      const { ref, vertex } = await loadFiles({
        name: LOCAL_SPEC,
        paths: [filename, ignoreName],
        sharedKeyHint: LOCAL_SPEC,
        customName: `[internal] load build definition from ${filename}`,
      });
      const names = new Set(await gw.readDir(ref, "/"));
      if (!names.has(filename)) {
        throw new MissingFileError(
          `${filename}: no such file in the build definition directory: pass the spec with -f (docker buildx build -f slimgo.yaml .)`,
        );
      }
      return {
        filename,
        data: await gw.readWholeFile(ref, filename, MAX_INPUT_BYTES),
        dockerignore: names.has(ignoreName) ? await gw.readWholeFile(ref, ignoreName, MAX_INPUT_BYTES) : undefined,
        vertex,
      };
    },

    async readContext(): Promise<ContextInput> {
      const { ref } = await loadFiles({
        name: LOCAL_CONTEXT,
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
    },

    async readFiles(paths: readonly string[], maxBytes = MAX_INPUT_BYTES): Promise<Array<Uint8Array | undefined>> {
      const { ref } = await loadFiles({
        name: LOCAL_CONTEXT,
        paths,
        sharedKeyHint: "slimgo-context-files",
        customName: `[internal] load ${paths.join(", ")}`,
      });
      const out: Array<Uint8Array | undefined> = [];
      for (const path of paths) {
        try {
          out.push(await gw.readWholeFile(ref, path, maxBytes));
        } catch (err) {
          if (!isFileAnswer(err)) throw err;
          out.push(undefined);
        }
      }
      return out;
    },
  };
}
