/** `--target NAME` → the spec that target builds: its fields over the top-level ones. */
import type { SpecRange } from "../types.js";
import { didYouMean } from "./did-you-mean.js";
import { listNames, shortName } from "./limits.js";
import { SpecErrors } from "./spec-errors.js";
import type { FieldName, ParsedSpec, Spec, SpecTarget } from "./types.js";

/**
 * The spec for one target. Without targets the spec is returned as it is
 * (makePlan checks that a `--target` names its one image); with targets and
 * no `--target`, the first target is built, as `--call targets` marks it.
 */
export function selectTarget(spec: ParsedSpec, name: string | undefined): ParsedSpec {
  const parsed = spec.root ?? spec;
  if (parsed.targets.length === 0) return parsed;
  const target = name === undefined || name === "" ? parsed.targets[0] : parsed.targets.find((t) => t.name === name);
  if (target === undefined) {
    const names = parsed.targets.map((t) => t.name);
    throw errorAt(parsed, parsed.ranges.targets ?? parsed.ranges.firstLine, "targets", {
      message: `--target ${shortName(name ?? "")}: no such target (this spec has ${listNames(names)})`,
      hint: didYouMean(name ?? "", names) ?? `use one of ${listNames(names)}`,
    });
  }
  checkIncludes(parsed, target);
  return narrow(parsed, target);
}

/** The spec of every target, in the order written; for listing and checking them all. */
export function allTargets(parsed: ParsedSpec): ParsedSpec[] {
  return parsed.targets.map((t) => selectTarget(parsed, t.name));
}

function narrow(parsed: ParsedSpec, target: SpecTarget): ParsedSpec {
  const spec = { ...parsed.spec, ...target.fields } as Spec;
  const fields: { [K in FieldName]?: SpecRange } = { ...parsed.ranges.fields, ...target.ranges };
  return { ...parsed, spec, ranges: { ...parsed.ranges, fields }, target: target.name, root: parsed };
}

function checkIncludes(parsed: ParsedSpec, target: SpecTarget): void {
  const range = target.ranges.include;
  if (range === undefined) return;
  const names = parsed.targets.map((t) => t.name);
  for (const name of target.fields.include ?? []) {
    if (name === target.name) throw errorAt(parsed, range, `targets.${target.name}.include`, { message: `${name} includes itself`, hint: "list the other targets whose binaries the image should hold" });
    if (!names.includes(name)) {
      throw errorAt(parsed, range, `targets.${target.name}.include`, {
        message: `no target named "${shortName(name)}"`,
        hint: didYouMean(name, names) ?? `targets are ${listNames(names)}`,
      });
    }
  }
}

function errorAt(parsed: ParsedSpec, range: SpecRange, path: string, problem: { message: string; hint?: string }): SpecErrors {
  return new SpecErrors([
    { file: parsed.file, line: range.start.line, col: range.start.col, endLine: range.end.line, endCol: range.end.col, path, ...(problem.hint ? problem : { message: problem.message }) },
  ]);
}
