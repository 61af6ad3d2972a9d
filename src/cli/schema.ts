/** JSON Schema for slimgo.yaml, made from the same field table the validator uses. */
import { type AnyFieldDef, SPEC_FIELDS } from "../spec/index.js";

const ENUMS: Readonly<Record<string, readonly string[]>> = {
  link: ["static", "dynamic"],
  compress: ["none", "upx"],
};

function fieldSchema(f: AnyFieldDef): Record<string, unknown> {
  const base = { description: `${f.description} Default: ${f.defaultText}.` };
  switch (f.type) {
    case "boolean":
      return { ...base, type: "boolean" };
    case "string list":
      return { ...base, type: "array", items: { type: "string" } };
    case "string map":
      return { ...base, type: "object", additionalProperties: { type: ["string", "number", "boolean"] } };
    case "port list":
      return { ...base, type: "array", items: { anyOf: [{ type: "integer", minimum: 1, maximum: 65535 }, { type: "string", pattern: "^[0-9]+(/(tcp|udp|sctp))?$" }] } };
    case "string": {
      const values = ENUMS[f.name];
      return values ? { ...base, type: "string", enum: [...values] } : { ...base, type: "string" };
    }
  }
}

/** The schema as an object (draft 2020-12); unknown fields are errors, as in the validator. */
export function specJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "slimgo.yaml",
    description: "A slimgo build spec: what to build from a Go module and how the image looks.",
    type: ["object", "null"],
    additionalProperties: false,
    properties: Object.fromEntries(SPEC_FIELDS.map((f) => [f.name, fieldSchema(f)])),
  };
}
