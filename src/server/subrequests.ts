/**
 * `docker buildx build --call check|outline|targets`: answers from the spec
 * and go.mod alone, with no build. Results are metadata only (result.json
 * for buildx's printers, result.txt for humans), as BuildKit's own
 * frontend/subrequests packages define them.
 */
import type { ResultInit } from "../gateway/llb-bridge.js";
import { DISTROLESS_BUILD_ARG, DISTROLESS_IMAGE, LDFLAGS_DEFAULTS, PASSTHROUGH_BUILD_ARGS, PLATFORM_VARS, ldflagsVars } from "../plan/index.js";
import type { SpecRange } from "../plan/types.js";
import { GoModError } from "../gomod/index.js";
import { SpecErrors } from "../spec/index.js";
import { type ErrorSources, UserError } from "./errors.js";
import type { Loaded } from "./load-project.js";
import { planWarnings, warningRanges } from "./warnings.js";

const VERSION = "1.0.0";

/** `--call size`: answered by the build itself (see frontend.ts), since it needs the binaries. */
export const SIZE_REQUEST = "frontend.size";

/** The subrequests slimgo answers, for `frontend.subrequests.describe`. */
const DESCRIBED = [
  { name: "frontend.outline", description: "List the build arguments slimgo reads" },
  { name: "frontend.targets", description: "List the images this spec builds" },
  { name: "frontend.lint", description: "Check slimgo.yaml and go.mod without building" },
  { name: SIZE_REQUEST, description: "Build, then show the bytes each module and package put into each binary, and each file of the image" },
];

export async function answerSubrequest(id: string, load: () => Promise<Loaded>, sources: ErrorSources): Promise<ResultInit> {
  switch (id) {
    case "frontend.subrequests.describe":
      return result(
        DESCRIBED.map((d) => ({ ...d, version: VERSION, type: "rpc", opts: [], inputs: [], metadata: [{ name: "result.json" }, { name: "result.txt" }] })),
        DESCRIBED.map((d) => `${d.name}\t${d.description}`).join("\n"),
      );
    case "frontend.outline":
      return outline(await load());
    case "frontend.targets":
      return targets(await load());
    case "frontend.lint":
      return lint(load, sources);
    default:
      throw new UserError(`unsupported request ${id}: slimgo answers --call outline, targets, check and size`);
  }
}

/** Build args slimgo reads: the Go proxy settings, the distroless override and every ${NAME} the ldflags use. */
function outline({ parsed, specInput }: Loaded): ResultInit {
  const specs = [(parsed.root ?? parsed).spec.ldflags, ...parsed.targets.map((t) => t.fields.ldflags ?? "")];
  const stamped = [...new Set(specs.flatMap(ldflagsVars))].filter((n) => !(PLATFORM_VARS as readonly string[]).includes(n));
  const args = [
    ...stamped.map((name) => ({
      name,
      description: "used in ldflags",
      ...(LDFLAGS_DEFAULTS[name] !== undefined ? { value: LDFLAGS_DEFAULTS[name] } : {}),
      location: { sourceIndex: 0, ranges: [toRange(parsed.ranges.fields.ldflags ?? parsed.ranges.firstLine)] },
    })),
    ...PASSTHROUGH_BUILD_ARGS.map((name) => ({ name, description: "passed to go mod download and go build" })),
    { name: DISTROLESS_BUILD_ARG, description: "image used for base: distroless", value: DISTROLESS_IMAGE },
  ];
  const width = Math.max(...args.map((a) => a.name.length));
  const text = ["BUILD ARG".padEnd(width + 2) + "VALUE", ...args.map((a) => `${a.name.padEnd(width + 2)}${"value" in a ? a.value : ""}`)].join("\n");
  // outline.Outline and targets.List carry their sources as raw bytes (base64 in JSON).
  return result({ name: "slimgo", description: "a Go service as a small, static, verified image", args, sources: [b64(specInput.data)] }, text);
}

/** One row per target (or the one image), the default first; each points at its name in the spec. */
function targets({ parsed, targetPlans, specInput }: Loaded): ResultInit {
  const rows = targetPlans().map((p, i) => {
    const where = parsed.targets[i]?.nameRange;
    return {
      name: p.target ?? p.binaryName,
      ...(i === 0 ? { default: true } : {}),
      description: p.description,
      base: p.base.kind === "image" ? p.base.ref : p.base.kind,
      ...(where ? { location: { sourceIndex: 0, ranges: [toRange(where)] } } : {}),
    };
  });
  const width = Math.max("TARGET".length, ...rows.map((r) => r.name.length + (r.default ? " (default)".length : 0)));
  const text = [`${"TARGET".padEnd(width + 2)}DESCRIPTION`, ...rows.map((r) => `${(r.default ? `${r.name} (default)` : r.name).padEnd(width + 2)}${r.description}`)].join("\n");
  return result({ targets: rows, sources: [b64(specInput.data)] }, text);
}

async function lint(load: () => Promise<Loaded>, sources: ErrorSources): Promise<ResultInit> {
  let loaded: Loaded;
  try {
    loaded = await load();
  } catch (err) {
    if (err instanceof SpecErrors || err instanceof GoModError) return lintFailure(err, sources);
    throw err;
  }
  const { plan, parsed, specInput, filename } = loaded;
  const warnings = planWarnings(plan, warningRanges(parsed)).map((w) => ({
    ruleName: w.rule,
    description: w.message,
    detail: w.message,
    location: { sourceIndex: 0, ranges: [toRange(w.range)] },
  }));
  const text = warnings.length === 0 ? "Check complete, no warnings found." : warnings.map((w) => `WARNING: ${w.ruleName}\n${w.detail}`).join("\n");
  return result({ warnings, sources: [{ filename, data: b64(specInput.data), language: "YAML" }] }, text, warnings.length > 0 ? 1 : 0);
}

// The spec itself is wrong: buildx prints buildError with the source framed.
function lintFailure(err: SpecErrors | GoModError, sources: ErrorSources): ResultInit {
  const first = err instanceof SpecErrors ? err.errors[0] : undefined;
  const line = first?.line ?? (err instanceof GoModError ? err.line : 1);
  const col = first?.col ?? (err instanceof GoModError ? err.col : 1);
  const buildError = { message: err.message, location: { sourceIndex: 0, ranges: [{ start: { line, character: col }, end: { line, character: col } }] } };
  const file =
    err instanceof GoModError
      ? { filename: err.file, data: sources.goFiles?.get(err.file) ?? sources.goMod?.data, language: "go.mod" }
      : { filename: sources.spec?.filename ?? "slimgo.yaml", data: sources.spec?.data, language: "YAML" };
  const info = file.data ? { filename: file.filename, data: b64(file.data), language: file.language } : { filename: file.filename };
  return result({ warnings: [], sources: [info], buildError }, err.message, 1);
}

function toRange(r: SpecRange) {
  return { start: { line: r.start.line, character: r.start.col }, end: { line: r.end.line, character: r.end.col } };
}

function b64(data: Uint8Array): string {
  return Buffer.from(data).toString("base64");
}

function result(json: unknown, text: string, status?: number): ResultInit {
  const enc = new TextEncoder();
  const metadata: Record<string, Uint8Array> = {
    "result.json": enc.encode(JSON.stringify(json, null, 2)),
    "result.txt": enc.encode(`${text}\n`),
    version: enc.encode(VERSION),
  };
  if (status !== undefined) metadata["result.statuscode"] = enc.encode(String(status));
  return { metadata };
}
