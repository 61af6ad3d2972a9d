/**
 * The build context as the main module's compiled-package step sees it: all
 * of it but the main package's own .go files. BuildKit keys the step on this
 * content, so an edit in the main package (the usual one-line change) leaves
 * the main module's layer cached, and a fresh builder restoring it compiles
 * the main package alone.
 */
import { type State, local } from "../llb/index.js";

/** `.dockerignore`-style pattern for the .go files directly in `main`'s directory ("./cmd/app" or "."). */
export function mainPackageFiles(main: string): string {
  const dir = main === "." ? "" : main.replace(/^\.\//, "");
  // The directory is matched literally: escape what the pattern syntax reads as wildcards.
  const literal = dir.replace(/[\\*?[]/g, (c) => `\\${c}`);
  return literal === "" ? "*.go" : `${literal}/*.go`;
}

export function librariesContext(sessionId: string, excludes: readonly string[], main: string): State {
  return local("context", {
    sessionId,
    excludePatterns: [...excludes, mainPackageFiles(main)],
    // Its own transfer target: with the build context's, each transfer would undo the other's filter.
    sharedKeyHint: `slimgo-libraries:${main}`,
    customName: `[context] load the build context without ${main}'s Go files`,
  });
}
