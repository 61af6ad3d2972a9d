/**
 * The shared syntax of go.mod and go.work (golang.org/x/mod/modfile/read.go):
 * lines of tokens, `verb (` … `)` blocks, `//` comments, "quoted" and
 * `raw` strings that end on their line.
 */
import { unquoteGo } from "../gostring/unquote.js";
import { GoModError } from "./go-mod-error.js";

/** One token with its 1-based position. */
export interface Token {
  /** The token as written, quotes included. */
  readonly raw: string;
  /** The token's value: quoted strings are unquoted. */
  readonly value: string;
  readonly quoted: boolean;
  readonly line: number;
  readonly col: number;
}

/** One directive: a plain line, or one line of a block with the block's verb. */
export interface Statement {
  readonly verb: Token;
  readonly args: readonly Token[];
  /** Where the statement's own text starts (the first argument inside a block). */
  readonly line: number;
  readonly col: number;
  /** Text of a trailing `//` comment, trimmed, e.g. "indirect". */
  readonly comment?: string;
  readonly inBlock: boolean;
}

interface LexedLine {
  readonly tokens: Token[];
  readonly comment?: string;
  readonly line: number;
}

const PUNCTUATION = new Set(["(", ")", "[", "]", "{", "}", ","]);

/** Split go.mod/go.work text into statements; throws GoModError on syntax errors. */
/** Every line with nothing on it: one shared value, so a file of blank lines costs no objects per line. */
const BLANK: LexedLine = { tokens: [], line: 0 };

export function readStatements(text: string, file: string): Statement[] {
  const lines = text.split("\n").map((source, i) => (/^[ \t\r]*$/.test(source) ? BLANK : lexLine(source, i + 1, file)));
  const statements: Statement[] = [];
  for (let i = 0; i < lines.length; i++) {
    const current = lines[i];
    if (current === undefined || current.tokens.length === 0) continue;
    const { tokens } = current;
    const open = tokens.findIndex((t) => t.raw === "(" && !t.quoted);
    if (open < 0) {
      rejectParens(tokens, file);
      const [verb, ...args] = tokens as [Token, ...Token[]];
      statements.push(statement(verb, args, verb, current.comment, false));
      continue;
    }
    const verb = tokens[0] as Token;
    if (open === 0) throw new GoModError(file, verb.line, verb.col, `unexpected "(": a block starts with its directive, like "require ("`);
    const after = tokens[open + 1];
    if (after !== undefined) throw new GoModError(file, after.line, after.col, `unexpected ${after.raw} after "(": start the block's first entry on the next line`);
    if (open > 1) {
      throw new GoModError(file, verb.line, verb.col, `unknown block type "${tokens.slice(0, open).map((t) => t.raw).join(" ")}": a block is "${verb.raw} (" alone on its line`);
    }
    i = readBlock(lines, i, verb, statements, file);
  }
  return statements;
}

// Returns the index of the line holding the block's closing parenthesis.
function readBlock(lines: LexedLine[], start: number, verb: Token, out: Statement[], file: string): number {
  for (let i = start + 1; i < lines.length; i++) {
    const current = lines[i];
    if (current === undefined || current.tokens.length === 0) continue;
    const first = current.tokens[0] as Token;
    if (first.raw === ")" && !first.quoted) {
      const extra = current.tokens[1];
      if (extra !== undefined) throw new GoModError(file, extra.line, extra.col, `unexpected ${extra.raw} after ")": the closing parenthesis stands alone on its line`);
      return i;
    }
    rejectParens(current.tokens, file);
    out.push(statement(verb, current.tokens, first, current.comment, true));
  }
  throw new GoModError(file, verb.line, verb.col, `"${verb.raw} (" block is never closed: add ")" on a line of its own`);
}

function statement(verb: Token, args: readonly Token[], at: Token, comment: string | undefined, inBlock: boolean): Statement {
  const base = { verb, args, line: at.line, col: at.col, inBlock };
  return comment === undefined ? base : { ...base, comment };
}

function rejectParens(tokens: readonly Token[], file: string): void {
  const paren = tokens.find((t) => !t.quoted && (t.raw === "(" || t.raw === ")"));
  if (paren !== undefined) throw new GoModError(file, paren.line, paren.col, `unexpected "${paren.raw}"`);
}

function lexLine(source: string, line: number, file: string): LexedLine {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (source.startsWith("//", i)) return { tokens, comment: source.slice(i + 2).trim(), line };
    const col = i + 1;
    if (PUNCTUATION.has(c)) {
      tokens.push({ raw: c, value: c, quoted: false, line, col });
      i++;
      continue;
    }
    if (c === '"' || c === "`") {
      const end = stringEnd(source, i, c);
      if (end < 0) throw new GoModError(file, line, col, `unterminated string: close it with ${c} on the same line`);
      const raw = source.slice(i, end + 1);
      tokens.push({ raw, value: c === "`" ? raw.slice(1, -1) : unquote(raw, file, line, col), quoted: true, line, col });
      i = end + 1;
      continue;
    }
    if (!isIdent(c)) throw new GoModError(file, line, col, `unexpected character ${JSON.stringify(c)}`);
    let end = i;
    while (end < source.length && isIdent(source[end] as string) && !source.startsWith("//", end)) {
      if (source.startsWith("/*", end)) throw new GoModError(file, line, end + 1, "go.mod files use // comments, not /* */");
      end++;
    }
    const raw = source.slice(i, end);
    tokens.push({ raw, value: raw, quoted: false, line, col });
    i = end;
  }
  return { tokens, line };
}

// Index of the closing quote, or -1 when the line ends first.
function stringEnd(source: string, start: number, quote: string): number {
  for (let i = start + 1; i < source.length; i++) {
    const c = source[i];
    if (c === quote) return i;
    if (c === "\\" && quote === '"') i++;
  }
  return -1;
}

function isIdent(c: string): boolean {
  if (PUNCTUATION.has(c) || c === " ") return false;
  return !/[\s\p{C}]/u.test(c);
}

/** Go's strconv.Unquote (src/gostring); every problem, invalid UTF-8 included, is a GoModError on the escape. */
function unquote(raw: string, file: string, line: number, col: number): string {
  if (!raw.includes("\\")) return raw.slice(1, -1);
  const u = unquoteGo(raw);
  if (!u.ok) throw new GoModError(file, line, col + u.offset, u.message);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(u.bytes);
  } catch {
    throw new GoModError(file, line, col, `quoted string ${raw} is not valid UTF-8 once its escapes are read`);
  }
}
