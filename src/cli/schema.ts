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
    case "file list":
      return {
        ...base,
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["src", "dest"],
          properties: {
            src: { type: "string", description: "Path in the build context; a trailing / copies a directory's contents." },
            dest: { type: "string", pattern: "^/", description: "Absolute path in the image." },
            mode: { type: ["string", "integer"], pattern: "^0?o?[0-7]{3,4}$", description: `Octal mode, like "0644".` },
            owner: { type: "string", pattern: "^[0-9]+(:[0-9]+)?$", description: `Numeric owner, like "65532:65532".` },
          },
        },
      };
    case "size policy":
      return {
        ...base,
        type: "object",
        additionalProperties: false,
        properties: {
          budget: { type: ["string", "integer"], description: `Largest allowed binary: bytes, or like "12MB", "11.5MiB".` },
          warnModuleShare: { type: ["string", "number"], description: `Warn when one third-party module is above this share of the binary: "25%" or 0.25.` },
        },
      };
    case "healthcheck": {
      const duration = { type: "string", pattern: "^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$" };
      return {
        ...base,
        type: "object",
        additionalProperties: false,
        required: ["test"],
        properties: {
          test: { type: "array", minItems: 1, items: { type: "string" }, description: "The command and its arguments, run without a shell." },
          interval: { ...duration, description: "Time between checks, like 30s." },
          timeout: { ...duration, description: "Time one check may take." },
          startPeriod: { ...duration, description: "Start-up time during which failures do not count." },
          startInterval: { ...duration, description: "Time between checks during the start period." },
          retries: { type: "integer", minimum: 0, maximum: 9999, description: "Failures in a row before the container is unhealthy." },
        },
      };
    }
    case "string": {
      const values = ENUMS[f.name];
      return values ? { ...base, type: "string", enum: [...values] } : { ...base, type: "string" };
    }
  }
}

const fields = (keep: (f: AnyFieldDef) => boolean) => Object.fromEntries(SPEC_FIELDS.filter(keep).map((f) => [f.name, fieldSchema(f)]));

/** The schema as an object (draft 2020-12); unknown fields are errors, as in the validator. */
export function specJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "slimgo.yaml",
    description: "A slimgo build spec: what to build from a Go module and how the image looks.",
    type: ["object", "null"],
    additionalProperties: false,
    properties: {
      ...fields((f) => f.scope !== "target"),
      targets: {
        description: "Several images from one spec, by name (docker buildx build --target NAME; the first is the default). Each sets fields over the top-level ones; go, builder and buildEnv are shared.",
        type: "object",
        propertyNames: { pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]*$" },
        additionalProperties: { type: ["object", "null"], additionalProperties: false, properties: fields((f) => f.scope !== "shared") },
      },
    },
  };
}
