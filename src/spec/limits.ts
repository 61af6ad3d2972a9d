/**
 * Bounds on what a spec may hold. A real slimgo.yaml is a few hundred bytes
 * with a handful of anchors; each limit is far above that and low enough that
 * a hostile spec is refused in well under a second.
 */

/** Bytes of spec text (UTF-8). On hostile text yaml spends up to about a second of CPU per 256 KiB. */
export const MAX_SPEC_BYTES = 128 * 1024;

/** Collections nested inside each other; yaml composes nodes recursively and a deep nest exhausts the stack. */
export const MAX_NESTING = 64;

/** Aliases (`*name`) in one spec. */
export const MAX_ALIASES = 1000;

/** Values that aliases add when expanded: an alias of a list of 10 values adds 11. */
export const MAX_ALIAS_EXPANSION = 100_000;

/** Characters in a target name, also in `include:`. */
export const MAX_TARGET_NAME = 128;

/** Problems listed in one error; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 50;

/** A user's name for something, shortened for a message: the first 40 characters of a long one. */
export function shortName(name: string): string {
  return name.length <= 48 ? name : `${name.slice(0, 40)}… (${name.length} characters)`;
}

export { MAX_PROBLEM_TEXT, oneLineText } from "../text/one-line.js";

/** Names listed in a message before the rest are counted. */
export const MAX_LISTED_NAMES = 10;

/** "a, b, c" for a message, the first MAX_LISTED_NAMES of a long list, then how many more. */
export function listNames(names: readonly string[]): string {
  const shown = names.slice(0, MAX_LISTED_NAMES).map(shortName).join(", ");
  return names.length <= MAX_LISTED_NAMES ? shown : `${shown} and ${names.length - MAX_LISTED_NAMES} more`;
}
