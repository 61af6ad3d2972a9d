/**
 * go.work monorepos: which module holds the main package, and every file
 * `go mod download` reads in workspace mode (go.work, go.work.sum, each used
 * module's go.mod/go.sum and the go.mod of every local replace).
 */
import { posix } from "node:path";
import { GoModError } from "../gomod/go-mod-error.js";
import type { GoModReplace, GoWorkUse, ParsedGoMod, ParsedGoWork } from "../gomod/types.js";
import { leavesContext } from "./local-replaces.js";

export interface WorkspaceInput {
  readonly goWork: ParsedGoWork;
  /** Each `use` directory (cleaned, relative to the context root) and its go.mod. */
  readonly modules: ReadonlyArray<{ readonly dir: string; readonly goMod: ParsedGoMod }>;
}

/** A go.work `use` whose go.mod is not in the build context, on its go.work line. */
export function missingUseError(use: { path: string; line: number }, goModPath: string): GoModError {
  return new GoModError("go.work", use.line, 1, `use ${use.path}: ${goModPath} is not in the build context: fix the path, or build from the directory that holds go.work`);
}

/**
 * The context-relative directory of a go.work `use`; throws on its go.work
 * line when it leaves the build context, before anything reads that path
 * (the CLI reads from disk, where ../ would reach outside the project).
 */
export function useDir(use: GoWorkUse, filename = "go.work"): string {
  const dir = contextDir(".", use.path);
  if (leavesContext(dir) || use.path.startsWith("/")) {
    throw new GoModError(
      filename,
      use.line,
      1,
      `use ${use.path} points outside the build context, which is all the build can see: build from a directory that holds go.work and every module it uses`,
    );
  }
  return dir;
}

/** Cleaned, context-relative directory of a `use` or replace path ("./api/" → "api", "./" → "."). */
export function contextDir(base: string, path: string): string {
  const joined = posix.normalize(posix.join(base, path));
  return joined.length > 1 ? joined.replace(/\/+$/, "") : joined;
}

/** The used module whose directory holds `main` (the longest match), if any. */
export function moduleForMain(ws: WorkspaceInput, main: string): { dir: string; goMod: ParsedGoMod } | undefined {
  const pkg = contextDir(".", main);
  const inside = ws.modules.filter((m) => m.dir === "." || pkg === m.dir || pkg.startsWith(`${m.dir}/`));
  return inside.sort((a, b) => b.dir.length - a.dir.length)[0];
}

/** Every file the download step needs, in a stable order; throws on a use or replace that leaves the context. */
export function workspaceModuleFiles(ws: WorkspaceInput): string[] {
  const dirs = new Set<string>();
  const local = (base: string, file: string, replaces: readonly GoModReplace[]) => {
    for (const r of replaces) {
      if (!r.local) continue;
      const dir = contextDir(base, r.to.path);
      if (leavesContext(dir) || r.to.path.startsWith("/")) {
        throw new GoModError(file, r.line, 1, `replace ${r.from.path} => ${r.to.path} points outside the build context, which is all the build can see: build from a directory that holds both`);
      }
      dirs.add(dir);
    }
  };
  // The readers check each use before reading it; checked again here so no plan can carry one.
  for (const u of ws.goWork.use) useDir(u);
  for (const m of ws.modules) dirs.add(m.dir);
  local(".", "go.work", ws.goWork.replace);
  for (const m of ws.modules) local(m.dir, m.dir === "." ? "go.mod" : `${m.dir}/go.mod`, m.goMod.replace);
  const inDir = (dir: string, name: string) => (dir === "." ? name : `${dir}/${name}`);
  return ["go.work", "go.work.sum", ...[...dirs].flatMap((d) => [inDir(d, "go.mod"), inDir(d, "go.sum")])];
}
