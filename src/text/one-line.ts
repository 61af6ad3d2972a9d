/** Problem text on one line, shared by every parser that echoes a user's input back. */

/** The most characters of one problem's text (message or hint) printed; a user's long value is cut in the middle. */
export const MAX_PROBLEM_TEXT = 600;

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
