/** slimgo.yaml text → a typed spec with the range of every field, or every problem at once. */
import { type Node, type YAMLMap, LineCounter, isMap, isScalar } from "yaml";
import type { SpecRange } from "../types.js";
import { resolveAliases } from "./aliases.js";
import { type Problem, checkTargetName } from "./checks.js";
import { type Report, decodeField, describe, scalarText } from "./decode-field.js";
import { didYouMean } from "./did-you-mean.js";
import { FIELD_NAMES, SPEC_FIELDS } from "./fields.js";
import { shortName } from "./limits.js";
import { readYaml } from "./read-yaml.js";
import { type SpecError, SpecErrors, byPosition } from "./spec-errors.js";
import type { FieldName, ParsedSpec, Spec, SpecTarget } from "./types.js";

// yaml's wording names its own API; say what the user can do instead.
const YAML_MESSAGES: Record<string, Problem> = {
  MULTIPLE_DOCS: { message: "the spec is a single YAML document", hint: `remove the "---" separator and what follows` },
  DUPLICATE_KEY: { message: "this key appears twice", hint: "keep one of them" },
  TAB_AS_INDENT: { message: "tabs are not allowed as indentation", hint: "indent with spaces" },
};

/** Parse and validate slimgo.yaml; throws SpecErrors with every problem found. */
export function parseSpec(text: string, filename = "slimgo.yaml"): ParsedSpec {
  const lines = new LineCounter();
  const errors: SpecError[] = [];
  const span = (offsets: readonly [number, number]): SpecRange => toRange(lines, [offsets[0], contentEnd(text, offsets)]);
  const at = (offsets: readonly [number, number], path: string, problem: Problem): void => {
    const { start, end } = span(offsets);
    errors.push({ file: filename, line: start.line, col: start.col, endLine: end.line, endCol: end.col, path, ...problem });
  };
  const report: Report = (node, path, problem) => at(nodeOffsets(node), path, problem);

  const doc = readYaml(text, lines, (offsets, problem) => at(offsets, "", problem));
  for (const e of doc?.errors ?? []) {
    const known = YAML_MESSAGES[e.code];
    at(e.pos, "", known ?? { message: lowerFirst(e.message) });
  }
  if (doc === undefined || errors.length > 0 || !resolveAliases(doc, report)) throw new SpecErrors(errors.sort(byPosition));
  const firstLineLength = (text.split("\n", 1)[0] ?? "").replace(/\r$/, "").length;
  const ranges: { fields: { [K in FieldName]?: SpecRange }; firstLine: SpecRange; targets?: SpecRange } = {
    fields: {},
    firstLine: { start: { line: 1, col: 1 }, end: { line: 1, col: firstLineLength + 1 } },
  };
  const root = doc.contents;
  let values = new Map<FieldName, unknown>();
  const targets: SpecTarget[] = [];

  if (root !== null && !(isScalar(root) && root.value === null)) {
    if (!isMap(root)) {
      report(root, "", { message: `expected fields like "main: ./cmd/app", got ${describe(root)}` });
    } else {
      const top = decodeFields(root, "top", report, span, (key, value) => {
        ranges.targets = span([nodeOffsets(key)[0], nodeOffsets(value)[1]]);
        targets.push(...decodeTargets(value, report, span));
      });
      values = top.values;
      ranges.fields = top.ranges;
    }
  }
  if (errors.length > 0) throw new SpecErrors(errors.sort(byPosition));
  return { file: filename, spec: assemble(values), ranges, targets };
}

type Span = (offsets: readonly [number, number]) => SpecRange;
type FieldRanges = { [K in FieldName]?: SpecRange };

/**
 * The fields of one mapping: the top level, or one target. `onTargets`
 * receives the top level's `targets:` value; inside a target it is an error.
 */
function decodeFields(
  map: YAMLMap,
  where: "top" | "target",
  report: Report,
  span: Span,
  onTargets?: (key: Node, value: Node) => void,
): { values: Map<FieldName, unknown>; ranges: FieldRanges } {
  const values = new Map<FieldName, unknown>();
  const ranges: FieldRanges = {};
  for (const pair of map.items) {
    const key = pair.key as Node;
    const name = scalarText(key);
    const value = pair.value as Node | null;
    if (name === "targets" && onTargets !== undefined) {
      if (value !== null && !(isScalar(value) && value.value === null)) onTargets(key, value);
      continue;
    }
    const def = SPEC_FIELDS.find((f) => f.name === name);
    if (name === undefined || def === undefined) {
      const names = where === "top" ? [...FIELD_NAMES, "targets"] : FIELD_NAMES.filter((n) => SPEC_FIELDS.find((f) => f.name === n)?.scope !== "shared");
      const hint = name === undefined ? undefined : name === "targets" ? "targets cannot be nested; list them all under the top-level targets:" : didYouMean(name, names);
      report(key, "", { message: name === undefined ? `expected a field name, got ${describe(key)}` : `unknown field "${shortName(name)}"`, ...(hint ? { hint } : {}) });
      continue;
    }
    if (where === "target" && def.scope === "shared") {
      report(key, def.name, { message: `${def.name} is shared by every target`, hint: "set it at the top level" });
      continue;
    }
    if (where === "top" && def.scope === "target") {
      report(key, def.name, { message: `${def.name} belongs to a target`, hint: `move it under targets: <name>:` });
      continue;
    }
    // An empty value means the default, so a field whose entries are all commented out stays valid.
    if (value === null || (isScalar(value) && value.value === null)) continue;
    const decoded = decodeField(def, value, report);
    if (decoded === undefined) continue;
    values.set(def.name, decoded);
    ranges[def.name] = span([nodeOffsets(key)[0], nodeOffsets(value)[1]]);
  }
  return { values, ranges };
}

// `targets:` is a mapping of names to field mappings.
function decodeTargets(node: Node, report: Report, span: Span): SpecTarget[] {
  if (!isMap(node)) {
    report(node, "targets", { message: `expected a mapping of target names to fields, got ${describe(node)}`, hint: "like targets: {api: {main: ./cmd/api}}" });
    return [];
  }
  const out: SpecTarget[] = [];
  for (const pair of node.items) {
    const key = pair.key as Node;
    const name = scalarText(key);
    const problem = name === undefined ? { message: `expected a target name, got ${describe(key)}` } : checkTargetName(name);
    if (problem || name === undefined) {
      report(key, "targets", problem ?? { message: "expected a target name" });
      continue;
    }
    const value = pair.value as Node | null;
    const empty = value === null || (isScalar(value) && value.value === null);
    if (!empty && !isMap(value)) {
      report(value, `targets.${name}`, { message: `expected the target's fields, got ${describe(value)}`, hint: `like ${name}: {main: ./cmd/${name}}` });
      continue;
    }
    const decoded = empty ? { values: new Map<FieldName, unknown>(), ranges: {} } : decodeFields(value as YAMLMap, "target", prefixed(report, `targets.${name}`), span);
    const fields: Record<string, unknown> = Object.fromEntries(decoded.values);
    out.push({ name, fields: fields as Partial<Spec>, ranges: decoded.ranges, nameRange: span(nodeOffsets(key)) });
  }
  return out;
}

// Paths inside a target read "targets.api.ports[0]".
function prefixed(report: Report, prefix: string): Report {
  return (node, path, problem) => report(node, path === "" ? prefix : `${prefix}.${path}`, problem);
}

// The decoders return each field's own type (see FieldType), so this is where the table meets Spec.
function assemble(values: ReadonlyMap<FieldName, unknown>): Spec {
  const spec: Record<string, unknown> = {};
  for (const def of SPEC_FIELDS) {
    const value = values.get(def.name) ?? def.default;
    if (value !== undefined) spec[def.name] = value;
  }
  return spec as unknown as Spec;
}

function nodeOffsets(node: Node): [number, number] {
  const range = node.range;
  return range ? [range[0], range[1]] : [0, 0];
}

// Block collections end after their last newline; a range should end on the last character written.
function contentEnd(text: string, offsets: readonly [number, number]): number {
  let end = Math.max(offsets[0], offsets[1]);
  while (end > offsets[0] && /\s/.test(text.charAt(end - 1))) end--;
  return end;
}

function toRange(lines: LineCounter, offsets: readonly [number, number]): SpecRange {
  const start = lines.linePos(offsets[0]);
  const end = lines.linePos(offsets[1]);
  return { start: { line: start.line, col: start.col }, end: { line: end.line, col: end.col } };
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
