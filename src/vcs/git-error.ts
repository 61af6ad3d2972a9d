/** A .git whose objects cannot be read as git writes them: the caller treats it as "no commit time". */
export class GitObjectError extends Error {
  override name = "GitObjectError";
}
