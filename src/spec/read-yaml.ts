/**
 * Spec text → one yaml Document, with the bounds yaml itself lacks: the
 * text's size, how deep collections nest (yaml composes recursively, and a
 * deep nest can exhaust the stack so hard that V8 aborts the process), how
 * many aliases there are, and a linear duplicate-key check in place of
 * yaml's, which compares every key of a mapping with every earlier one.
 */
import { CST, Composer, type Document, Lexer, type LineCounter, type Node, Parser, YAMLParseError, isMap, isPair, isScalar, isSeq } from "yaml";
import type { Problem } from "./checks.js";
import { MAX_ALIASES, MAX_NESTING, MAX_SPEC_BYTES } from "./limits.js";

/** Receives a problem at a range of offsets into the text. */
export type OffsetReport = (offsets: readonly [number, number], problem: Problem) => void;

/**
 * The spec's document, with yaml's own problems in its `errors`; undefined
 * when the text is refused outright (the problem went to `report`).
 */
export function readYaml(text: string, lines: LineCounter, report: OffsetReport): Document.Parsed | undefined {
  lines.addNewLine(0);
  const bytes = text.length > MAX_SPEC_BYTES ? text.length : new TextEncoder().encode(text).length;
  if (bytes > MAX_SPEC_BYTES) {
    report([0, 0], { message: `the spec is ${kib(bytes)}; the limit is ${kib(MAX_SPEC_BYTES)}`, hint: "a spec holds settings; keep data in files the image copies" });
    return undefined;
  }
  const doc = composeFirst(text, lines, report);
  if (doc !== undefined) flagDuplicateKeys(doc.contents, doc.errors);
  return doc;
}

function composeFirst(text: string, lines: LineCounter, report: OffsetReport): Document.Parsed | undefined {
  const parser = new Parser(lines.addNewLine);
  const composer = new Composer({ uniqueKeys: false });
  let first: Document.Parsed | undefined;
  // True once a second document starts: the spec is one document, so the rest is not read.
  const take = (doc: Document.Parsed): boolean => {
    if (first === undefined) {
      first = doc;
      return false;
    }
    first.errors.push(new YAMLParseError([doc.range[0], doc.range[1]], "MULTIPLE_DOCS", "the spec is a single YAML document"));
    return true;
  };
  // yaml makes an Error per problem; hostile text has one per character, and
  // capturing each one's stack costs several times the parse. None is thrown.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    let aliases = 0;
    let scalarNext = false;
    for (const lexeme of new Lexer().lex(text)) {
      const start = parser.offset;
      // After the lexer's scalar marker comes a scalar's text, whatever its first character.
      const alias = !scalarNext && CST.tokenType(lexeme) === "alias";
      scalarNext = lexeme === CST.SCALAR;
      if (alias && ++aliases > MAX_ALIASES) {
        report([start, start + lexeme.length], { message: `more than ${MAX_ALIASES} aliases`, hint: "anchor a few shared values, and write the rest out" });
        return undefined;
      }
      for (const token of parser.next(lexeme)) for (const doc of composer.next(token)) if (take(doc)) return first;
      // The parser keeps one entry per open collection, plus the document and the current token.
      if (parser.stack.length > MAX_NESTING) {
        report([start, start + lexeme.length], { message: `collections nest more than ${MAX_NESTING} levels deep here`, hint: "a spec needs a few levels: fields, targets, a target's fields, a list" });
        return undefined;
      }
    }
    for (const token of parser.end()) for (const doc of composer.next(token)) if (take(doc)) return first;
    for (const doc of composer.end(true, text.length)) if (take(doc)) return first;
    return first;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

// Keys are equal as yaml compares them: scalars by value (so 1 and "1" differ), other nodes never.
function flagDuplicateKeys(node: unknown, errors: YAMLParseError[]): void {
  if (isSeq(node)) {
    for (const item of node.items) flagDuplicateKeys(item, errors);
  } else if (isPair(node)) {
    flagDuplicateKeys(node.key, errors);
    flagDuplicateKeys(node.value, errors);
  } else if (isMap(node)) {
    const seen = new Set<unknown>();
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      if (isScalar(key)) {
        if (seen.has(key.value)) errors.push(new YAMLParseError(key.range ? [key.range[0], key.range[1]] : [0, 0], "DUPLICATE_KEY", "this key appears twice"));
        seen.add(key.value);
      }
      flagDuplicateKeys(pair.key, errors);
      flagDuplicateKeys(pair.value, errors);
    }
  }
}

function kib(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}
