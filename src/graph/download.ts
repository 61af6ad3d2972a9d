/**
 * The module download step. It sees only go.mod and go.sum (and those of
 * local replace directories), so editing a .go file never reruns it. Its
 * output is a real layer holding exactly the modules this go.sum names: a remote cache export carries them, and a cached
 * step can never hand `go build` an empty cache mount. A shared cache mount
 * sits behind it as a fetch cache, so a go.mod change fetches only new modules.
 */
import { scratch, type SourceFile, type State } from "../llb/index.js";
import type { Plan } from "../plan/types.js";
import { mergeEnv } from "./env.js";
import { goModMounts } from "./go-step.js";
import { FETCH_CACHE_DIR, GOSUM_DIR, MODULES_DIR, SRC_DIR, fetchCacheId } from "./paths.js";
import { specLocation } from "./source-location.js";

// Fill the fetch cache with the user's proxy settings, then materialise this
// module set from it. GOPRIVATE/GONOPROXY are cleared for the second pass so
// private modules also come from the local copy instead of their VCS.
const MATERIALISE = `GOMODCACHE=${MODULES_DIR} GOPROXY=file://${FETCH_CACHE_DIR}/cache/download GOSUMDB=off GOPRIVATE= GONOPROXY= GONOSUMDB= go mod download`;
const SCRIPT = ["set -e", "go mod download", MATERIALISE].join("\n");

// Without go.sum, `go mod download` records no zip hashes and `go build`
// refuses the modules. Work on a copy of go.mod (-modfile), list the module
// graph with -mod=mod and download each module by name, which records sums.
const LIST_MODULES =
  "{{if .Main}}{{else if .Replace}}{{if .Replace.Version}}{{.Replace.Path}}@{{.Replace.Version}}{{end}}{{else}}{{.Path}}@{{.Version}}{{end}}";
const SCRIPT_WITHOUT_GOSUM = [
  "set -e",
  `cp go.mod ${GOSUM_DIR}/go.mod`,
  `export GOFLAGS="\${GOFLAGS:-} -modfile=${GOSUM_DIR}/go.mod"`,
  `mods=$(go list -mod=mod -m -f '${LIST_MODULES}' all)`,
  'if [ -n "$mods" ]; then go mod download $mods; fi',
  MATERIALISE,
].join("\n");

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
    args: ["/bin/sh", "-c", plan.missingGoSum ? SCRIPT_WITHOUT_GOSUM : SCRIPT],
    env: mergeEnv(plan.goEnv, [["GOMODCACHE", FETCH_CACHE_DIR]]),
    dir: SRC_DIR,
    mounts: [
      ...goModMounts(plan, inputs.sessionId),
      { dest: FETCH_CACHE_DIR, cache: { id: fetchCacheId(plan.cacheKey), sharing: "shared" } },
      { dest: MODULES_DIR, source: scratch() },
      ...(plan.missingGoSum ? [{ dest: GOSUM_DIR, source: scratch() }] : []),
    ],
    network: plan.network,
    customName: plan.missingGoSum ? "go mod download (no go.sum: computing it)" : "go mod download",
    ...(plan.noCache ? { ignoreCache: true } : {}),
    ...(source ? { source } : {}),
  });
  const modules = step.getMount(MODULES_DIR);
  return plan.missingGoSum ? { modules, goSum: step.getMount(GOSUM_DIR) } : { modules };
}
