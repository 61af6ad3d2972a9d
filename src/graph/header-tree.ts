/**
 * The tree the go list step reads when the frontend has the Go files'
 * headers: the context's go.mod, go.sum and go.work files as they are, and
 * each Go file cut after its imports (written into the LLB, so the step's
 * cache key is those bytes). A .go edit below the imports leaves the tree,
 * the list step and both compiled-package steps cached.
 */
import { type FileActionChain, type State, copy, local, scratch } from "../llb/index.js";
import type { GoHeaders } from "../types.js";

// The files that draw module boundaries and pin versions, wherever they are in the context.
const MODULE_FILES = ["**/go.mod", "**/go.sum", "go.work", "go.work.sum"];

export function headerTree(sessionId: string, excludes: readonly string[], headers: GoHeaders): State {
  const modules = local("context", {
    sessionId,
    includePatterns: MODULE_FILES,
    excludePatterns: [...excludes],
    sharedKeyHint: "slimgo-module-files",
    customName: "[context] load go.mod, go.sum and go.work files",
  });
  if (headers.files.length === 0) return modules;
  const dirs = [...new Set(headers.files.map((f) => parentOf(f.path)).filter((d) => d !== ""))].sort();
  // The module files come in by a copy onto scratch, not as the op's base: BuildKit keys a file op's input on
  // its content only when it is a copy's source. On a local base the key is the session's, and the op would
  // run again on every build.
  let chain: FileActionChain = copy(modules, "/", "/", { copyDirContentsOnly: true });
  for (const d of dirs) chain = chain.mkdir(`/${d}`, 0o755, { makeParents: true });
  for (const f of headers.files) chain = chain.mkfile(`/${f.path}`, 0o644, withNewline(f.header));
  return scratch().file(chain, { customName: `the imports of ${headers.files.length} Go file${headers.files.length === 1 ? "" : "s"}, for go list` });
}

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

function withNewline(header: Uint8Array): Uint8Array {
  const out = new Uint8Array(header.length + 1);
  out.set(header);
  out[header.length] = 0x0a;
  return out;
}
