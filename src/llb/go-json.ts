/**
 * JSON text as Go's `encoding/json.Marshal` writes it for a list of strings:
 * no spaces, HTML-safe (`<`, `>`, `&` as \u003c \u003e \u0026), U+2028 and
 * U+2029 escaped, other control bytes as \u00XX except \b \f \n \r \t.
 * Source attrs carry such text, and their bytes feed the op digest.
 */

const SHORT: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

function hex4(code: number): string {
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

/** One string as a Go JSON string literal. */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    const short = SHORT[ch];
    if (short !== undefined) out += short;
    else if (code < 0x20 || ch === "<" || ch === ">" || ch === "&" || code === 0x2028 || code === 0x2029) out += hex4(code);
    // A lone surrogate cannot be UTF-8 encoded; Go sees U+FFFD bytes in its place.
    else if (code >= 0xd800 && code <= 0xdfff) out += "\ufffd";
    else out += ch;
  }
  return `${out}"`;
}

/** A string list as Go's json.Marshal([]string) output. */
export function goJsonStringArray(values: readonly string[]): string {
  return `[${values.map(goJsonString).join(",")}]`;
}
