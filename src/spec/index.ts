export { parseSpec } from "./parse-spec.js";
export { SpecErrors, formatSpecError, isSpecErrors } from "./spec-errors.js";
export type { SpecError } from "./spec-errors.js";
export { FIELD_NAMES, SPEC_FIELDS } from "./fields.js";
export type { AnyFieldDef, FieldDef, FieldType } from "./fields.js";
export { BASE_KEYWORDS } from "./checks.js";
export type { Check, Problem } from "./checks.js";
export { closest, didYouMean, editDistance } from "./did-you-mean.js";
export type { FieldName, ParsedSpec, Spec, SpecRanges, StringPairs } from "./types.js";
