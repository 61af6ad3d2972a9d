/** A file that is not a readable ELF binary, with what was wrong. */
export class ElfError extends Error {
  override name = "ElfError";
}
