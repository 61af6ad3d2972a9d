/** Reading a repository's objects ourselves: the commit time that dates a build when .git is in its context. */
export { type GitFiles, MAX_DELTA_DEPTH, MAX_OBJECT_BYTES, commitTime } from "./commit-time.js";
export { GitObjectError } from "./git-error.js";
