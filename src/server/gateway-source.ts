/** The build's inputs read through BuildKit: the spec from the `dockerfile` local, go.mod and friends from the context. */
import { headDigest, local, marshal } from "../llb/index.js";
import { type Caps, type Gateway, isFileAnswer } from "../gateway/llb-bridge.js";
import { LOCAL_CONTEXT, LOCAL_SPEC } from "../gateway/options.js";
import { buildContext } from "../graph/go-recipe.js";
import type { ContextTree, EntryKind } from "./go-headers.js";
import { type ContextInput, MAX_INPUT_BYTES, MissingFileError, type ProjectSource, type SpecInput } from "./project-source.js";

export function gatewaySource(gw: Gateway, caps: Caps, sessionId: string): ProjectSource {
  /**
   * Transfer a few named files (or, with `patterns`, the files matching
   * include patterns) of a local source and solve them, so they can be read.
   * Re-sent every time unless `keep`: size and mtime say nothing about an
   * edited file.
   */
  const loadFiles = async (o: { name: string; paths: readonly string[]; sharedKeyHint: string; customName: string; patterns?: boolean; keep?: boolean }) => {
    const state = local(o.name, {
      sessionId,
      ...(o.patterns ? { includePatterns: [...o.paths] } : { followPaths: [...o.paths] }),
      sharedKeyHint: o.sharedKeyHint,
      // git's objects never change in place: the builder may keep what it has when size and mtime agree.
      ...(caps.llb.has("source.local.differ") && !o.keep ? { differ: "none" as const } : {}),
      customName: o.customName,
    });
    const def = marshal(state, { caps: caps.llb });
    return { ref: await gw.solve(def), vertex: headDigest(def) };
  };

  /** The ref holding each file read by range, transferred once per build. */
  const rangedRefs = new Map<string, Promise<string>>();
  const rangedRef = (path: string) => {
    let ref = rangedRefs.get(path);
    if (ref === undefined) {
      // A hint per directory: a sync under one hint drops the files it does not send, so a loose object's
      // lookup would otherwise evict the pack the builder keeps for the next build.
      const hint = `slimgo-context-ranged:${path.slice(0, Math.max(0, path.lastIndexOf("/")))}`;
      ref = loadFiles({ name: LOCAL_CONTEXT, paths: [path], sharedKeyHint: hint, customName: `[internal] load ${path}`, keep: true }).then((r) => r.ref);
      rangedRefs.set(path, ref);
    }
    return ref;
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

    async readRange(path: string, offset: number, length: number): Promise<Uint8Array | undefined> {
      const ref = await rangedRef(path);
      const pieces: Uint8Array[] = [];
      let got = 0;
      // Pieces below every daemon's message limit; a short one is the file's end.
      while (got < length) {
        const want = Math.min(RANGE_PIECE, length - got);
        let data: Uint8Array;
        try {
          data = await gw.readFile(ref, path, { offset: offset + got, length: want });
        } catch (err) {
          if (!isFileAnswer(err)) throw err;
          return undefined;
        }
        pieces.push(data);
        got += data.length;
        if (data.length < want) break;
      }
      return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
    },

    async contextTree(excludes: readonly string[]): Promise<ContextTree> {
      // The very op the Go steps mount: BuildKit sends the context once for both.
      const ref = await gw.solve(marshal(buildContext(sessionId, excludes), { caps: caps.llb }));
      return {
        list: async (dir) => (await gw.readDirStats(ref, dir === "" ? "/" : dir)).map((e) => ({ name: e.path, kind: entryKind(e.mode) })),
        read: (path, length) => gw.readFile(ref, path, { offset: 0, length }),
        // BuildKit sent only what .dockerignore lets in.
        excluded: () => false,
      };
    },

    async listFiles(dir: string, suffix: string): Promise<string[]> {
      const { ref } = await loadFiles({
        name: LOCAL_CONTEXT,
        paths: [`${dir}/*${suffix}`],
        patterns: true,
        sharedKeyHint: "slimgo-context-list",
        customName: `[internal] load ${dir}/*${suffix}`,
        keep: true,
      });
      let names: string[];
      try {
        names = (await gw.readDirStats(ref, dir)).filter((e) => (e.mode & GO_MODE_TYPE) === 0 && e.path.endsWith(suffix)).map((e) => e.path);
      } catch (err) {
        if (!isFileAnswer(err)) throw err;
        return [];
      }
      // The listing transferred them: ranged reads use the same ref.
      for (const name of names) rangedRefs.set(`${dir}/${name}`, Promise.resolve(ref));
      return names.sort();
    },
  };
}

/** A ranged read's piece: well below any daemon's gRPC message limit. */
const RANGE_PIECE = 1 << 20;
/** Go's os.ModeType bits (directory, symlink, device, pipe, socket, char device, irregular): none is set on a regular file. */
const GO_MODE_TYPE = 0x8f280000;
const GO_MODE_DIR = 0x80000000;
const GO_MODE_SYMLINK = 0x08000000;

function entryKind(mode: number): EntryKind {
  if ((mode & GO_MODE_DIR) !== 0) return "dir";
  if ((mode & GO_MODE_SYMLINK) !== 0) return "symlink";
  return (mode & GO_MODE_TYPE) === 0 ? "file" : "other";
}
