/**
 * ResolveImageConfig's answer, checked: the config comes from whatever the
 * image's author (or a registry) wrote, and slimgo reads its Env,
 * WorkingDir, Labels and ExposedPorts into the build and the final image.
 * Go writes absent lists as null, so null is accepted wherever a list or
 * map may be, and dropped.
 */
import type { ImageConfigJson } from "./llb-bridge.js";
import { GatewayReplyError, ImageConfigError } from "./reply-errors.js";
import { describe, isRecord } from "./json-shape.js";

type RunConfig = NonNullable<ImageConfigJson["config"]>;

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,256}$/;

/** The manifest digest, or "" when the daemon gave none. */
export function imageDigest(ref: string, digest: string): string {
  if (digest !== "" && !DIGEST.test(digest)) {
    throw new GatewayReplyError("ResolveImageConfig", `for ${ref} gives the digest ${describe(digest)}, not one like sha256:<64 hex digits>`);
  }
  return digest;
}

/** The config JSON of image `ref`; throws an ImageConfigError naming the image and the field. */
export function parseImageConfig(ref: string, bytes: Uint8Array): ImageConfigJson {
  const bad = (what: string) => new ImageConfigError(ref, what);
  if (bytes.length === 0) throw bad("it is empty");
  const text = new TextDecoder().decode(bytes);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw bad(`it is not JSON (it starts ${describe(text.slice(0, 20))})`);
  }
  if (!isRecord(data)) throw bad(`it is ${describe(data)}, not a JSON object`);
  const out: ImageConfigJson = { ...data };
  for (const key of ["architecture", "os", "variant"] as const) {
    const v = data[key];
    if (v === null) delete out[key];
    else if (v !== undefined && typeof v !== "string") throw bad(`${key} is ${describe(v)}, not a string`);
  }
  const config = data["config"];
  if (config === undefined || config === null) {
    delete out.config;
    return out;
  }
  if (!isRecord(config)) throw bad(`config is ${describe(config)}, not an object`);
  out.config = runConfig(config, bad);
  return out;
}

function runConfig(config: Record<string, unknown>, bad: (what: string) => Error): RunConfig {
  const out: Record<string, unknown> = { ...config };
  const field = (key: string, check: (v: unknown) => string | undefined) => {
    const v = config[key];
    if (v === null) delete out[key];
    else if (v !== undefined) {
      const wrong = check(v);
      if (wrong !== undefined) throw bad(`config.${key} ${wrong}`);
    }
  };
  for (const key of ["Env", "Entrypoint", "Cmd"]) field(key, stringList);
  for (const key of ["WorkingDir", "User"]) field(key, (v) => (typeof v === "string" ? undefined : `is ${describe(v)}, not a string`));
  field("ExposedPorts", (v) => (isRecord(v) ? undefined : `is ${describe(v)}, not an object`));
  field("Labels", (v) => {
    if (!isRecord(v)) return `is ${describe(v)}, not an object`;
    const wrong = Object.entries(v).find(([, label]) => typeof label !== "string");
    return wrong ? `has ${describe(wrong[0])} set to ${describe(wrong[1])}, not a string` : undefined;
  });
  return out as RunConfig;
}

function stringList(v: unknown): string | undefined {
  if (!Array.isArray(v)) return `is ${describe(v)}, not a list of strings`;
  const i = v.findIndex((item) => typeof item !== "string");
  return i < 0 ? undefined : `has item ${i + 1} ${describe(v[i])}, not a string`;
}
