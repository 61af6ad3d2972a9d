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

/** The most characters of one problem's text (message or hint) printed; a user's long value is cut in the middle. */
export const MAX_PROBLEM_TEXT = 600;

/** Names listed in a message before the rest are counted. */
export const MAX_LISTED_NAMES = 10;

/**
 * Text for a one-line message: control characters written as escapes (a value
 * may hold a newline), and anything longer than MAX_PROBLEM_TEXT cut in the middle.
 */
export function oneLineText(text: string): string {
  const escaped = text.replace(/[\x00-\x1f\x7f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));
  if (escaped.length <= MAX_PROBLEM_TEXT) return escaped;
  const keep = Math.floor((MAX_PROBLEM_TEXT - 40) / 2);
  return `${escaped.slice(0, keep)}… (${escaped.length - 2 * keep} characters left out) …${escaped.slice(-keep)}`;
}

/** "a, b, c" for a message, the first MAX_LISTED_NAMES of a long list, then how many more. */
export function listNames(names: readonly string[]): string {
  const shown = names.slice(0, MAX_LISTED_NAMES).map(shortName).join(", ");
  return names.length <= MAX_LISTED_NAMES ? shown : `${shown} and ${names.length - MAX_LISTED_NAMES} more`;
}
