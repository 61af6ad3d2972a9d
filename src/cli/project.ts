/** A Go project on disk, read and planned exactly as the frontend plans it through BuildKit. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseGoMod, parseGoWork } from "../gomod/index.js";
import { type WorkspaceInput, contextDir, makePlan, missingUseError, moduleForMain, parsePlatforms } from "../plan/index.js";
import type { Plan, Platform } from "../plan/types.js";
import { type ParsedSpec, parseSpec } from "../spec/index.js";

export interface ProjectOptions {
  /** The build context directory. */
  readonly dir: string;
  /** The spec file, relative to `dir` or absolute. */
  readonly specFile: string;
  readonly platforms?: string;
  readonly buildArgs?: Record<string, string>;
}

export interface Project {
  readonly parsed: ParsedSpec;
  readonly plan: Plan;
}

/** The build platform the CLI assumes; BuildKit's worker decides it in a real build. */
export const CLI_BUILD_PLATFORM: Platform = { os: "linux", architecture: "amd64" };

export function loadProject(opts: ProjectOptions): Project {
  const specPath = opts.specFile.startsWith("/") ? opts.specFile : join(opts.dir, opts.specFile);
  const filename = opts.specFile.slice(opts.specFile.lastIndexOf("/") + 1);
  const parsed = parseSpec(readFileSync(specPath, "utf8"), filename);
  const read = (name: string) => (existsSync(join(opts.dir, name)) ? readFileSync(join(opts.dir, name), "utf8") : undefined);
  const goModText = read("go.mod");
  const rootGoMod = goModText === undefined ? undefined : parseGoMod(goModText, "go.mod");
  const goWorkText = read("go.work");
  const workspace = goWorkText === undefined ? undefined : readWorkspace(goWorkText, read);
  const goMod = (workspace && moduleForMain(workspace, parsed.spec.main)?.goMod) ?? rootGoMod;
  const plan = makePlan({
    spec: parsed,
    goMod,
    vendored: existsSync(join(opts.dir, "vendor/modules.txt")),
    missingGoSum: read("go.sum") === undefined,
    ...(workspace ? { workspace } : {}),
    options: {
      platforms: opts.platforms ? parsePlatforms(opts.platforms) : [],
      buildPlatform: CLI_BUILD_PLATFORM,
      buildArgs: opts.buildArgs ?? {},
      network: "sandbox",
      noCache: false,
    },
  });
  return { parsed, plan };
}

function readWorkspace(text: string, read: (name: string) => string | undefined): WorkspaceInput {
  const goWork = parseGoWork(text, "go.work");
  const modules = goWork.use.map((u) => {
    const dir = contextDir(".", u.path);
    const path = dir === "." ? "go.mod" : `${dir}/go.mod`;
    const data = read(path);
    if (data === undefined) throw missingUseError(u, path);
    return { dir, goMod: parseGoMod(data, path) };
  });
  return { goWork, modules };
}
