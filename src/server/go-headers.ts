/**
 * Reads the header of every Go file go list could load from the context
 * (plan/go-header.ts), through BuildKit or from the disk alike, so the list
 * step can be keyed on imports instead of on every byte of source. Gives up
 * (undefined: the list step reads the source, as before) on a symlink, which
 * go would follow and a header tree would not hold, and past the limits
 * below, where holding the headers in the LLB would cost more than listing.
 */
import { TaskPool } from "../async/task-pool.js";
import { goHeaderLength } from "../plan/index.js";
import type { GoHeaders } from "../types.js";

export type EntryKind = "file" | "dir" | "symlink" | "other";

/** The context as the walk sees it; paths are relative, "" is the root. */
export interface ContextTree {
  list(dir: string): Promise<Array<{ readonly name: string; readonly kind: EntryKind }>>;
  /** The first `length` bytes of a file, fewer at its end. */
  read(path: string, length: number): Promise<Uint8Array>;
  /** Whether .dockerignore leaves the path out (the tree may already have left it out). */
  excluded(path: string, kind: EntryKind): boolean;
}

export interface HeaderLimits {
  readonly files: number;
  /** All headers together: they travel inside the LLB definition. */
  readonly bytes: number;
  /** One file read whole because its imports end past the first read. */
  readonly fileBytes: number;
}

/** Past these the list step reads the source instead. */
export const HEADER_LIMITS: HeaderLimits = { files: 4000, bytes: 4 << 20, fileBytes: 1 << 20 };
/** Enough for the imports of nearly every file in one read. */
const FIRST_READ = 8 << 10;
/** Listings and reads in flight at once. */
const PARALLEL_READS = 16;

export async function readGoHeaders(tree: ContextTree, limits: HeaderLimits = HEADER_LIMITS): Promise<GoHeaders | undefined> {
  // Listing and reading share one pool: a file is read as soon as its directory is listed.
  const pool = new TaskPool(PARALLEL_READS);
  const files: Array<{ path: string; header: Uint8Array }> = [];
  let found = 0;
  let total = 0;
  let giveUp = false;
  const read = async (path: string) => {
    const header = await headerOf(tree, path, limits.fileBytes);
    if (header === undefined || (total += header.length) > limits.bytes) giveUp = true;
    else files.push({ path, header });
  };
  const visit = async (dir: string) => {
    if (giveUp) return;
    for (const e of await tree.list(dir)) {
      const path = dir === "" ? e.name : `${dir}/${e.name}`;
      if (tree.excluded(path, e.kind)) continue;
      if (e.kind === "symlink") giveUp = true;
      if (giveUp) return;
      // What go itself never looks at: dot and underscore names, testdata, tests; vendor/ outside vendoring.
      if (e.name.startsWith(".") || e.name.startsWith("_")) continue;
      if (e.kind === "dir" && e.name !== "testdata" && e.name !== "vendor") pool.add(() => visit(path));
      else if (e.kind === "file" && e.name.endsWith(".go") && !e.name.endsWith("_test.go")) {
        if (++found > limits.files) giveUp = true;
        else pool.add(() => (giveUp ? Promise.resolve() : read(path)));
      }
    }
  };
  pool.add(() => visit(""));
  await pool.done();
  if (giveUp) return undefined;
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files };
}

/** The header, read in one go for most files; undefined when it runs past `max`. */
async function headerOf(tree: ContextTree, path: string, max: number): Promise<Uint8Array | undefined> {
  const first = await tree.read(path, FIRST_READ);
  let n = goHeaderLength(first, first.length < FIRST_READ);
  if (n !== undefined) return first.subarray(0, n);
  const whole = await tree.read(path, max + 1);
  if (whole.length > max) return undefined;
  n = goHeaderLength(whole, true) as number;
  return whole.subarray(0, n);
}
