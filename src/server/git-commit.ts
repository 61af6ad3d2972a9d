/**
 * The commit `.git/HEAD` names, read through BuildKit from the build context
 * (the frontend sees no disk): HEAD, then the loose ref it points to, else
 * that ref's line in packed-refs. Read only when ldflags use ${COMMIT}.
 */
import { type Caps, type Gateway, isFileAnswer } from "../gateway/llb-bridge.js";
import { LOCAL_CONTEXT } from "../gateway/options.js";
import { isCommitHash, packedRef, parseGitHead } from "../plan/index.js";
import { loadFiles } from "./read-inputs.js";

/** packed-refs of a repository with a great many tags runs to megabytes; past this it is not read. */
const MAX_PACKED_REFS_BYTES = 32 << 20;

/** The context's commit, or undefined when .git holds none (a worktree's .git file, an unborn branch). */
export async function readGitCommit(gw: Gateway, caps: Caps, sessionId: string): Promise<string | undefined> {
  const load = (paths: string[], what: string) =>
    loadFiles(gw, caps, { name: LOCAL_CONTEXT, sessionId, paths, sharedKeyHint: "slimgo-context-git", customName: `[internal] load ${what} for \${COMMIT}` });
  const read = async (ref: string, path: string, limit: number) => {
    try {
      return new TextDecoder().decode(await gw.readWholeFile(ref, path, limit));
    } catch (err) {
      if (isFileAnswer(err)) return undefined;
      throw err;
    }
  };
  const headRef = (await load([".git/HEAD"], ".git/HEAD")).ref;
  const head = parseGitHead((await read(headRef, ".git/HEAD", 4096)) ?? "");
  if (head === undefined || "commit" in head) return head?.commit;
  const { ref } = await load([`.git/${head.ref}`, ".git/packed-refs"], head.ref);
  const loose = (await read(ref, `.git/${head.ref}`, 4096))?.trim();
  if (loose !== undefined && isCommitHash(loose)) return loose;
  const packed = await read(ref, ".git/packed-refs", MAX_PACKED_REFS_BYTES);
  return packed === undefined ? undefined : packedRef(packed, head.ref);
}
