/** YAML node → typed field value, by the field's table type; problems go to a reporter, not exceptions. */
import { type Node, type Pair, type YAMLMap, isMap, isScalar, isSeq } from "yaml";
import { type Problem, checkContextPath, parseBytes, parseMode, parseOwner, parsePort, parseShare } from "./checks.js";
import type { AnyFieldDef } from "./fields.js";
import { decodeHealthcheck } from "./healthcheck.js";

/** Receives problems at a node, with the value's path. */
export type Report = (node: Node, path: string, problem: Problem) => void;

/** The decoded value, or undefined when a problem was reported. */
export function decodeField(def: AnyFieldDef, node: Node, report: Report): unknown {
  switch (def.type) {
    case "string": {
      const text = scalarText(node);
      if (text === undefined) return fail(report, node, def.name, `expected a string, got ${describe(node)}`);
      const problem = def.check?.(text);
      if (problem) return fail(report, node, def.name, problem);
      return def.normalize ? def.normalize(text) : text;
    }
    case "boolean":
      if (isScalar(node) && typeof node.value === "boolean") return node.value;
      return fail(report, node, def.name, {
        message: `expected true or false, got ${describe(node)}`,
        ...(isScalar(node) && typeof node.value === "string" && /^(true|false)$/i.test(node.value) ? { hint: "remove the quotes" } : {}),
      });
    case "string list":
      return decodeList(def, node, report, (item, path) => {
        const text = scalarText(item);
        if (text === undefined) return fail(report, item, path, `expected a string, got ${describe(item)}`);
        const problem = def.check?.(text);
        return problem ? fail(report, item, path, problem) : text;
      });
    case "port list": {
      const seen = new Map<string, number>();
      return decodeList(def, node, report, (item, path, index) => {
        const text = isScalar(item) && (typeof item.value === "number" || typeof item.value === "string") ? scalarText(item) : undefined;
        if (text === undefined) return fail(report, item, path, `expected a port like 8080 or "53/udp", got ${describe(item)}`);
        const parsed = parsePort(text);
        if (!("port" in parsed)) return fail(report, item, path, parsed);
        const first = seen.get(parsed.port);
        if (first !== undefined) return fail(report, item, path, { message: `${parsed.port} is already listed at ports[${first}]` });
        seen.set(parsed.port, index);
        return parsed.port;
      });
    }
    case "string map":
      return decodeMap(def, node, report);
    case "file list":
      return decodeList(def, node, report, (item, path) => decodeFileCopy(item, path, report));
    case "size policy":
      return decodeSizePolicy(node, report);
    case "healthcheck":
      return decodeHealthcheck(node, report);
  }
}

interface ScalarEntry {
  readonly text: string;
  readonly node: Node;
}

/**
 * A mapping of known keys to scalars, as `size:` and `files:` entries are
 * written: each key's text, with every unknown key and non-scalar value
 * reported (`ok` is then false).
 */
function scalarEntries(
  node: YAMLMap,
  path: string,
  keys: readonly string[],
  o: { keysHint: string; expected: string },
  report: Report,
): { entries: Map<string, ScalarEntry>; ok: boolean } {
  const entries = new Map<string, ScalarEntry>();
  let ok = true;
  for (const pair of node.items as Array<Pair<Node, Node | null>>) {
    const key = scalarText(pair.key);
    if (key === undefined || !keys.includes(key)) {
      fail(report, pair.key, path, { message: `unknown key ${key === undefined ? describe(pair.key) : `"${key}"`}`, hint: o.keysHint });
      ok = false;
      continue;
    }
    const text = scalarText(pair.value);
    if (text === undefined) {
      fail(report, (pair.value ?? pair.key) as Node, `${path}.${key}`, `expected ${o.expected}, got ${describe(pair.value)}`);
      ok = false;
      continue;
    }
    entries.set(key, { text, node: pair.value as Node });
  }
  return { entries, ok };
}

const SIZE_KEYS: Record<string, (v: string) => number | Problem> = { budget: parseBytes, warnModuleShare: parseShare };

// {budget: 12MB, warnModuleShare: 25%}; each key checked on its own value, all problems reported.
function decodeSizePolicy(node: Node, report: Report): unknown {
  if (!isMap(node)) return fail(report, node, "size", { message: `expected {budget, warnModuleShare}, got ${describe(node)}`, hint: "like size: {budget: 12MB, warnModuleShare: 25%}" });
  const { entries, ok: keysOk } = scalarEntries(node, "size", Object.keys(SIZE_KEYS), { keysHint: "size has budget and warnModuleShare", expected: "a value" }, report);
  const out: Record<string, number> = {};
  let ok = keysOk;
  for (const [key, { text, node: value }] of entries) {
    const parsed = (SIZE_KEYS[key] as (v: string) => number | Problem)(text);
    if (typeof parsed === "number") out[key] = parsed;
    else {
      fail(report, value, `size.${key}`, parsed);
      ok = false;
    }
  }
  return ok ? out : undefined;
}

const FILE_KEYS = ["src", "dest", "mode", "owner"];

// {src, dest, mode?, owner?}; a problem in one key is reported on that key's value.
function decodeFileCopy(node: Node, path: string, report: Report): unknown {
  if (!isMap(node)) return fail(report, node, path, { message: `expected {src, dest}, got ${describe(node)}`, hint: `like {src: config/app.yaml, dest: /etc/app/app.yaml}` });
  const { entries: values, ok } = scalarEntries(node, path, FILE_KEYS, { keysHint: "a files entry has src, dest, mode and owner", expected: "a string" }, report);
  if (!ok) return undefined;
  const src = values.get("src");
  const dest = values.get("dest");
  if (src === undefined || dest === undefined) return fail(report, node, path, { message: `needs ${src === undefined ? "src" : "dest"}`, hint: `like {src: config/app.yaml, dest: /etc/app/app.yaml}` });
  const srcProblem = checkContextPath(src.text);
  if (srcProblem) return fail(report, src.node, `${path}.src`, srcProblem);
  if (!dest.text.startsWith("/")) return fail(report, dest.node, `${path}.dest`, { message: `"${dest.text}" is not an absolute path`, hint: `like "/etc/app/"` });
  const entry: { src: string; dest: string; mode?: number; owner?: { user: number; group: number } } = { src: cleanPath(src.text), dest: dest.text };
  const mode = values.get("mode");
  if (mode !== undefined) {
    const parsed = parseMode(mode.text);
    if (typeof parsed !== "number") return fail(report, mode.node, `${path}.mode`, parsed);
    entry.mode = parsed;
  }
  const owner = values.get("owner");
  if (owner !== undefined) {
    const parsed = parseOwner(owner.text);
    if (!("user" in parsed)) return fail(report, owner.node, `${path}.owner`, parsed);
    entry.owner = parsed;
  }
  return entry;
}

// "./config//app/" → "config/app/": keeps a trailing slash, which asks to copy a directory's contents.
function cleanPath(p: string): string {
  const parts = p.split("/").filter((x) => x !== "" && x !== ".");
  const joined = parts.join("/");
  return joined === "" ? "." : p.endsWith("/") ? `${joined}/` : joined;
}

function decodeList(def: AnyFieldDef, node: Node, report: Report, item: (node: Node, path: string, index: number) => unknown): unknown[] | undefined {
  if (!isSeq(node)) {
    const text = scalarText(node);
    return fail(report, node, def.name, {
      message: `expected a list, got ${describe(node)}`,
      ...(text === undefined ? {} : { hint: `write ${def.name}: [${isScalar(node) && node.type !== "PLAIN" ? JSON.stringify(text) : text}]` }),
    });
  }
  const out: unknown[] = [];
  let ok = true;
  node.items.forEach((child, index) => {
    const value = item(child as Node, `${def.name}[${index}]`, index);
    if (value === undefined) ok = false;
    else out.push(value);
  });
  return ok ? out : undefined;
}

function decodeMap(def: AnyFieldDef, node: Node, report: Report): Array<[string, string]> | undefined {
  if (!isMap(node)) {
    const hint = isSeq(node) ? `write one "NAME: value" line per entry instead of a list` : undefined;
    return fail(report, node, def.name, { message: `expected a mapping of names to values, got ${describe(node)}`, ...(hint ? { hint } : {}) });
  }
  const out: Array<[string, string]> = [];
  let ok = true;
  for (const pair of node.items as Array<Pair<Node, Node | null>>) {
    const key = scalarText(pair.key);
    if (key === undefined) {
      fail(report, pair.key, def.name, `expected a name, got ${describe(pair.key)}`);
      ok = false;
      continue;
    }
    const path = `${def.name}.${key}`;
    const keyProblem = def.checkKey?.(key);
    if (keyProblem) {
      fail(report, pair.key, path, keyProblem);
      ok = false;
      continue;
    }
    // "FOO:" with nothing after it is an empty value, as in `env FOO=`.
    const value = pair.value === null || (isScalar(pair.value) && pair.value.value === null) ? "" : scalarText(pair.value);
    if (value === undefined) {
      fail(report, pair.value as Node, path, `expected a string, got ${describe(pair.value)}`);
      ok = false;
      continue;
    }
    out.push([key, value]);
  }
  return ok ? out : undefined;
}

/**
 * A scalar's text as the user typed it: `go: 1.20` stays "1.20" rather than
 * the number 1.2, and `N: 010` keeps its zero.
 */
export function scalarText(node: Node | null): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  if (typeof node.value === "string") return node.value;
  if (typeof node.value === "number" || typeof node.value === "boolean" || typeof node.value === "bigint") {
    return node.type === "PLAIN" && node.source !== undefined ? node.source : String(node.value);
  }
  return undefined;
}

/** How a value reads in a message: "yes" (quoted), 8080, true, a list, a mapping, nothing. */
export function describe(node: Node | null): string {
  if (isSeq(node)) return "a list";
  if (isMap(node)) return "a mapping";
  if (!isScalar(node) || node.value === null || node.value === undefined) return "nothing";
  if (typeof node.value === "string") return JSON.stringify(node.value);
  return scalarText(node) ?? "a value";
}

function fail(report: Report, node: Node, path: string, problem: Problem | string): undefined {
  report(node, path, typeof problem === "string" ? { message: problem } : problem);
  return undefined;
}
