/** A fixed spec and options for targets that fuzz what the planner reads besides the spec. */
import { posix } from "node:path";
import { BIN_DIR, DEPENDENCY_CACHE_DIR, FETCH_CACHE_DIR, GOCACHE_DIR, GOSUM_DIR, MODULES_DIR, OUT_DIR, PACKAGES_DIR } from "../../src/graph/paths.js";
import type { Plan } from "../../src/plan/index.js";
import { parseSpec } from "../../src/spec/index.js";
import { InvariantViolation } from "../oracle.js";

export const SPEC_FILE = "slimgo.yaml";
export const SPEC_TEXT = "# syntax=slimgo:dev\nmain: .\n";
export const SPEC = parseSpec(SPEC_TEXT, SPEC_FILE);

export const OPTIONS = {
  platforms: [{ os: "linux", architecture: "amd64" }],
  buildPlatform: { os: "linux", architecture: "amd64" },
  buildArgs: {},
  network: "sandbox" as const,
  noCache: false,
};

/** Where the Go steps and the builder image keep what a mount must never cover. */
const RESERVED = [
  "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/usr", "/etc", "/go", "/root", "/var", "/tmp", "/proc", "/sys", "/dev", "/run", "/src",
  MODULES_DIR, FETCH_CACHE_DIR, GOSUM_DIR, GOCACHE_DIR, OUT_DIR, PACKAGES_DIR, DEPENDENCY_CACHE_DIR, BIN_DIR,
];

/** A mount at `path` covers, or is covered by, a reserved directory. */
export function collidesWithSystem(path: string): string | undefined {
  const p = posix.normalize(path).replace(/\/+$/, "") || "/";
  return RESERVED.find((r) => p === r || p.startsWith(`${r}/`) || r.startsWith(`${p === "/" ? "" : p}/`));
}

/** A path the download step includes from the context must stay inside it. */
export function leavesContext(path: string): boolean {
  const p = posix.normalize(path);
  return p === ".." || p.startsWith("../") || p.startsWith("/");
}

/** Mounts and includes the plan asks for stay where they belong. */
export function checkPlanPaths(plan: Plan): void {
  for (const e of plan.externalReplaces ?? []) {
    const hit = collidesWithSystem(e.mountPath);
    if (hit !== undefined) throw new InvariantViolation("a replace target is mounted over a directory of the Go steps or the builder", `${e.mountPath} covers ${hit}`);
  }
  for (const f of plan.workspaceFiles ?? []) {
    if (leavesContext(f)) throw new InvariantViolation("the download step includes a file outside the build context", f);
  }
}
