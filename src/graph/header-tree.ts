/**
 * The tree the go list step reads when the frontend has the Go files'
 * headers: the context's go.mod, go.sum and go.work files as they are, and
 * each Go file cut after its imports (written into the LLB, so the step's
 * cache key is those bytes). A .go edit below the imports leaves the tree,
 * the list step and both compiled-package steps cached.
 */
import { type FileActionChain, type State, local, mkdir, mkfile } from "../llb/index.js";
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
  let chain: FileActionChain | undefined;
  const add = (next: (c: FileActionChain | undefined) => FileActionChain) => (chain = next(chain));
  for (const d of dirs) add((c) => (c ? c.mkdir(`/${d}`, 0o755, { makeParents: true }) : mkdir(`/${d}`, 0o755, { makeParents: true })));
  for (const f of headers.files) {
    const data = withNewline(f.header);
    add((c) => (c ? c.mkfile(`/${f.path}`, 0o644, data) : mkfile(`/${f.path}`, 0o644, data)));
  }
  return modules.file(chain as FileActionChain, { customName: `the imports of ${headers.files.length} Go file${headers.files.length === 1 ? "" : "s"}, for go list` });
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
