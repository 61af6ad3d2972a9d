/** `.git/HEAD` and `packed-refs`, parsed: where the commit for ${COMMIT} comes from. Pure; the frontend and the CLI read the files. */

const HASH = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const REF = /^refs\/[A-Za-z0-9._/-]+$/;

/** A full commit hash (SHA-1, or SHA-256 repositories). */
export function isCommitHash(s: string): boolean {
  return HASH.test(s);
}

/** HEAD's content: a detached commit, or the ref it points to; undefined when it is neither. */
export function parseGitHead(text: string): { commit: string } | { ref: string } | undefined {
  const line = text.trim();
  if (HASH.test(line)) return { commit: line };
  const ref = line.startsWith("ref: ") ? line.slice(5).trim() : "";
  return REF.test(ref) && !ref.split("/").includes("..") ? { ref } : undefined;
}

/** The commit a ref has in packed-refs ("<hash> <ref>" lines; "^" lines peel tags). */
export function packedRef(text: string, ref: string): string | undefined {
  for (const line of text.split("\n")) {
    const [hash, name] = line.trim().split(" ");
    if (name === ref && hash !== undefined && HASH.test(hash)) return hash;
  }
  return undefined;
}
