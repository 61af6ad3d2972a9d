/** The JSON of a `docker save` archive: manifest.json and the image config, their shapes checked before use. */
import { messageOf } from "./image-archive.js";

/** What the first image of manifest.json names. */
export interface SaveManifest {
  readonly config: string;
  readonly layers: readonly string[];
}

/** The parts of the image config that say how the image starts. */
export interface StartConfig {
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly env: readonly string[];
  readonly workingDir: string;
}

/** A JSON value's kind, as a message names it. */
function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

function parse(data: Buffer, fail: (problem: string) => Error): unknown {
  try {
    return JSON.parse(data.toString("utf8"));
  } catch (e) {
    throw fail(`not JSON (${messageOf(e)})`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A list of strings, or the reason it is not one. */
function strings(v: unknown, field: string, fail: (problem: string) => Error): string[] {
  if (!Array.isArray(v)) throw fail(`${field} is ${kind(v)}, expected a list of strings`);
  const bad = v.findIndex((s) => typeof s !== "string");
  if (bad >= 0) throw fail(`${field}[${bad}] is ${kind(v[bad])}, expected a string`);
  return v as string[];
}

/** manifest.json: a non-empty list whose first image names its config and layers. */
export function parseManifest(data: Buffer, fail: (problem: string) => Error): SaveManifest {
  const v = parse(data, fail);
  if (!Array.isArray(v) || v.length === 0) throw fail(`is ${Array.isArray(v) ? "an empty list" : kind(v)}, expected a list of images`);
  const first: unknown = v[0];
  if (!isRecord(first)) throw fail(`image 0 is ${kind(first)}, expected an object`);
  if (typeof first["Config"] !== "string" || first["Config"] === "") throw fail(`image 0 has Config ${kind(first["Config"])}, expected the path of its config`);
  return { config: first["Config"], layers: strings(first["Layers"], "image 0's Layers", fail) };
}

/** The image config: an object whose optional `config` holds Entrypoint, Cmd, Env (lists of strings or null) and WorkingDir. */
export function parseStartConfig(data: Buffer, fail: (problem: string) => Error): StartConfig {
  const v = parse(data, fail);
  if (!isRecord(v)) throw fail(`is ${kind(v)}, expected an object`);
  const c = v["config"] ?? {};
  if (!isRecord(c)) throw fail(`config is ${kind(c)}, expected an object`);
  const list = (field: string): readonly string[] => (c[field] === undefined || c[field] === null ? [] : strings(c[field], `config.${field}`, fail));
  const dir = c["WorkingDir"] ?? "";
  if (typeof dir !== "string") throw fail(`config.WorkingDir is ${kind(dir)}, expected a string`);
  return { entrypoint: list("Entrypoint"), cmd: list("Cmd"), env: list("Env"), workingDir: dir || "/" };
}
