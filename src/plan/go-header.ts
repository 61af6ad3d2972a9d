/**
 * The header of a Go file: everything up to the end of its import
 * declarations (build constraints, package clause, cgo preamble, imports).
 * It is all `go list -deps` reads of a file (go/build stops there too), so
 * a list step fed only headers gives the same packages, and an edit below
 * the imports leaves its input, and so its cache key, unchanged.
 */

/**
 * Where the header ends in `src`, which is the whole file when `complete`,
 * else its first bytes: undefined then when they end before the header does
 * (read more). A file that does not read as Go is all header: go list then
 * sees exactly what it would in the source.
 */
export function goHeaderLength(src: Uint8Array, complete: boolean): number | undefined {
  const lex = new Lexer(src, complete);
  const all = () => (complete ? src.length : undefined);
  if (lex.word() !== "package" || lex.word() === undefined) return all();
  let end = lex.pos;
  for (;;) {
    const w = lex.word();
    if (w === undefined && lex.eof) return all();
    // A `;` may stand where a newline would: skip it between declarations.
    if (w === undefined && lex.peek() === SEMI) {
      lex.pos++;
      end = lex.pos;
      continue;
    }
    if (w !== "import") return end;
    if (lex.skipSpace() === undefined) return all();
    if (lex.peek() === LPAREN) {
      lex.pos++;
      if (!lex.skipTo(RPAREN)) return all();
    } else if (!lex.importSpec()) return all();
    end = lex.pos;
  }
}

const SEMI = 0x3b;
const LPAREN = 0x28;
const RPAREN = 0x29;

class Lexer {
  pos = 0;
  eof = false;
  constructor(
    private readonly src: Uint8Array,
    /** `src` is the whole file, so a word may end where it does. */
    private readonly complete: boolean,
  ) {}

  peek(): number | undefined {
    return this.src[this.pos];
  }

  /** Skips spaces and comments; undefined when the input ends inside a comment or at its end. */
  skipSpace(): true | undefined {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === undefined) {
        this.eof = true;
        return undefined;
      }
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else if (c === 0x2f && this.pos + 1 === s.length && !this.complete) {
        // A comment may start here.
        this.eof = true;
        return undefined;
      }
      else if (c === 0x2f && s[this.pos + 1] === 0x2f) {
        const nl = s.indexOf(0x0a, this.pos);
        if (nl < 0) {
          this.eof = true;
          return undefined;
        }
        this.pos = nl + 1;
      } else if (c === 0x2f && s[this.pos + 1] === 0x2a) {
        const close = indexOfPair(s, 0x2a, 0x2f, this.pos + 2);
        if (close < 0) {
          this.eof = true;
          return undefined;
        }
        this.pos = close + 2;
      } else return true;
    }
  }

  /** The next identifier or keyword; undefined at anything else (the position stays on it). */
  word(): string | undefined {
    if (this.skipSpace() === undefined) return undefined;
    const start = this.pos;
    while (this.pos < this.src.length && isIdentByte(this.src[this.pos]!)) this.pos++;
    if (this.pos === this.src.length && !this.complete) {
      // The word may go on past what was read.
      this.eof = true;
      this.pos = start;
      return undefined;
    }
    return this.pos > start ? new TextDecoder().decode(this.src.subarray(start, this.pos)) : undefined;
  }

  /** One import spec: an optional name (`_`, `.`, an identifier) and a string. */
  importSpec(): boolean {
    const c = this.peek();
    if (c === 0x2e) this.pos++;
    else if (c !== 0x22 && c !== 0x60) {
      if (this.word() === undefined) return false;
    }
    if (this.skipSpace() === undefined) return false;
    return this.string();
  }

  /** A "…" or `…` string at the position. */
  string(): boolean {
    const s = this.src;
    const q = s[this.pos];
    if (q !== 0x22 && q !== 0x60) return false;
    for (let i = this.pos + 1; i < s.length; i++) {
      if (q === 0x22 && s[i] === 0x5c) i++;
      else if (s[i] === q) {
        this.pos = i + 1;
        return true;
      } else if (q === 0x22 && s[i] === 0x0a) return false;
    }
    this.eof = true;
    return false;
  }

  /** Past the matching `)`, stepping over strings and comments; false when the input ends first. */
  skipTo(close: number): boolean {
    for (;;) {
      if (this.skipSpace() === undefined) return false;
      const c = this.peek();
      if (c === close) {
        this.pos++;
        return true;
      }
      if (c === 0x22 || c === 0x60) {
        if (!this.string()) return false;
      } else this.pos++;
    }
  }
}

function isIdentByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c >= 0x80;
}

function indexOfPair(s: Uint8Array, a: number, b: number, from: number): number {
  for (let i = s.indexOf(a, from); i >= 0 && i + 1 < s.length; i = s.indexOf(a, i + 1)) if (s[i + 1] === b) return i;
  return -1;
}

/** Whether the headers are all the source go list sees: not with vendor/, nor with a replace outside the context. */
export function headersStandForSource(plan: { readonly vendored?: boolean; readonly externalReplaces?: readonly unknown[] | undefined }): boolean {
  return !plan.vendored && (plan.externalReplaces ?? []).length === 0;
}
