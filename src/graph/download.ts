/**
 * The module download step. It sees only go.mod and go.sum (and those of
 * local replace directories), so editing a .go file never reruns it. Its
 * output is a real layer holding exactly the modules this go.sum names: a remote cache export carries them, and a cached
 * step can never hand `go build` an empty cache mount. A shared cache mount
 * sits behind it as a fetch cache, so a go.mod change fetches only new modules.
 */
import { DOWNLOAD_SH } from "../gen/shell.js";
import { scratch, type SourceFile, type State } from "../llb/index.js";
import type { Plan } from "../plan/types.js";
import { mergeEnv } from "./env.js";
import { goModMounts } from "./go-step.js";
import { FETCH_CACHE_DIR, GOSUM_DIR, MODULES_DIR, SRC_DIR, fetchCacheId } from "./paths.js";
import { sessionEnv, sessionMounts } from "./session-mounts.js";
import { specLocation } from "./source-location.js";
import { ignoresCache } from "../plan/no-cache.js";

// The module paths to download by name when the context has no go.sum (see download.sh).
const LIST_MODULES =
  "{{if .Main}}{{else if .Replace}}{{if .Replace.Version}}{{.Replace.Path}}@{{.Replace.Version}}{{end}}{{else}}{{.Path}}@{{.Version}}{{end}}";

export interface DownloadInputs {
  readonly sessionId: string;
  readonly specFile: SourceFile | undefined;
}

export interface Downloaded {
  /** A state whose root is a GOMODCACHE with exactly this module set. */
  readonly modules: State;
  /** The computed go.mod/go.sum pair when the context has no go.sum. */
  readonly goSum?: State;
}

/** The module set for this go.mod/go.sum. */
export function downloadModules(builder: State, plan: Plan, inputs: DownloadInputs): Downloaded {
  const source = specLocation(inputs.specFile, plan.locations.download);
  const step = builder.run({
    args: ["/bin/sh", "-c", DOWNLOAD_SH],
    env: mergeEnv(plan.goEnv, [
      ["GOMODCACHE", FETCH_CACHE_DIR],
      ["SLIMGO_MODULES", MODULES_DIR],
      ...(plan.missingGoSum ? ([["SLIMGO_GOSUM_DIR", GOSUM_DIR], ["SLIMGO_LIST_MODULES", LIST_MODULES]] as const) : []),
      ...sessionEnv(plan),
    ]),
    dir: SRC_DIR,
    mounts: [
      ...goModMounts(plan, inputs.sessionId),
      { dest: FETCH_CACHE_DIR, cache: { id: fetchCacheId(plan.cacheKey), sharing: "shared" } },
      { dest: MODULES_DIR, source: scratch() },
      ...(plan.missingGoSum ? [{ dest: GOSUM_DIR, source: scratch() }] : []),
      ...sessionMounts(),
    ],
    network: plan.network,
    customName: plan.missingGoSum ? "go mod download (no go.sum: computing it)" : "go mod download",
    ...(ignoresCache(plan, "download") ? { ignoreCache: true } : {}),
    ...(source ? { source } : {}),
  });
  const modules = step.getMount(MODULES_DIR);
  return plan.missingGoSum ? { modules, goSum: step.getMount(GOSUM_DIR) } : { modules };
}
