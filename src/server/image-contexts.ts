/**
 * `--build-context NAME=docker-image://REF` or `NAME=oci-layout://…`: as with
 * a Dockerfile's FROM, a named context whose name is the builder's or the
 * base's image reference replaces that image. buildx sends it as the option
 * `context:NAME`; for an OCI layout it serves the layout from its session as
 * a store and sends `oci-layout://<store id>@<digest>`.
 */
import { LlbError, type OciStore, normalizeImageRef, parseNormalizedNamed } from "../llb/index.js";
import type { Plan } from "../plan/types.js";
import type { ParsedSpec } from "../spec/index.js";
import type { Problem } from "../spec/index.js";
import { UserError } from "./errors.js";

const DOCKER_IMAGE = "docker-image://";
const OCI_LAYOUT = "oci-layout://";
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** An image that stands in for another: a registry reference, or one in a client's OCI layout store. */
export interface ChosenImage {
  readonly ref: string;
  readonly ociStore?: OciStore;
}

/** The names an image reference may be given under: as written, and as `docker` prints it (golang:1.24, not docker.io/library/golang:1.24). */
export function contextNames(ref: string): string[] {
  const names = [ref];
  try {
    const { domain, path, tag, digest } = parseNormalizedNamed(ref);
    const name = domain === "docker.io" ? path.replace(/^library\//, "") : `${domain}/${path}`;
    const familiar = `${name}${tag !== undefined && tag !== "latest" ? `:${tag}` : ""}${digest !== undefined ? `@${digest}` : ""}`;
    names.push(familiar, normalizeImageRef(ref));
  } catch (err) {
    if (!(err instanceof LlbError)) throw err;
  }
  return [...new Set(names)];
}

/**
 * The image that replaces `ref`: the docker-image:// named context given
 * under one of its names, else `ref` itself. Other kinds of context cannot
 * stand in for an image and are refused with the form that works.
 */
export function imageFromContext(ref: string, contexts: ReadonlyMap<string, string>, sessionId = ""): ChosenImage | { problem: Problem } {
  for (const name of contextNames(ref)) {
    const value = contexts.get(name);
    if (value === undefined) continue;
    if (value.startsWith(DOCKER_IMAGE)) {
      const image = value.slice(DOCKER_IMAGE.length);
      try {
        normalizeImageRef(image);
      } catch {
        return { problem: { message: `--build-context ${name}=${value}: "${image}" is not an image reference`, hint: `like --build-context ${name}=docker-image://registry.example.com/golang:1.24` } };
      }
      return { ref: image };
    }
    if (value.startsWith(OCI_LAYOUT)) return ociLayoutImage(name, value, sessionId);
    const kind = value.slice(0, Math.max(0, value.indexOf(":")));
    return {
      problem: {
        message: `--build-context ${name}=${kind === "" ? value : `${kind}:…`} cannot replace the image ${ref}`,
        hint: `pass an image: --build-context ${name}=docker-image://REF or ${name}=oci-layout:///path/to/layout`,
      },
    };
  }
  return { ref };
}

/**
 * `oci-layout://<store id>[:tag]@<digest>`: the image is named after the
 * context and pinned to the digest (the store id means nothing to a reader),
 * as the Dockerfile frontend does.
 */
function ociLayoutImage(name: string, value: string, sessionId: string): ChosenImage | { problem: Problem } {
  const spec = value.slice(OCI_LAYOUT.length);
  const at = spec.lastIndexOf("@");
  const digest = at < 0 ? "" : spec.slice(at + 1);
  const named = at < 0 ? spec : spec.slice(0, at);
  const slash = named.lastIndexOf("/");
  const colon = named.lastIndexOf(":");
  const storeId = colon > slash ? named.slice(0, colon) : named;
  const bad = (why: string): { problem: Problem } => ({
    problem: { message: `--build-context ${name}=${value}: ${why}`, hint: `like --build-context ${name}=oci-layout:///path/to/layout (buildx adds the digest)` },
  });
  if (!DIGEST.test(digest)) return bad("no sha256 digest after @");
  if (storeId === "") return bad("no store id before @");
  let base: string;
  try {
    const r = parseNormalizedNamed(name);
    if (r.digest !== undefined) return bad(`${name} already names a digest`);
    base = normalizeImageRef(name);
  } catch (err) {
    if (!(err instanceof LlbError)) throw err;
    return bad(`${name} is not an image reference`);
  }
  return { ref: `${base}@${digest}`, ociStore: { sessionId, storeId } };
}

/** The plan with its builder and base images replaced by the named contexts that name them, and the OCI stores those come from. */
export function withImageContexts(
  plan: Plan,
  contexts: ReadonlyMap<string, string>,
  parsed: ParsedSpec,
  sessionId = "",
): { plan: Plan; ociStores: ReadonlyMap<string, OciStore> } {
  const ociStores = new Map<string, OciStore>();
  const pick = (ref: string, field: "builder" | "base"): string => {
    const chosen = imageFromContext(ref, contexts, sessionId);
    if ("ref" in chosen) {
      if (chosen.ociStore) ociStores.set(chosen.ref, chosen.ociStore);
      return chosen.ref;
    }
    const where = parsed.ranges.fields[field] ?? (field === "builder" ? parsed.ranges.fields.go : undefined) ?? parsed.ranges.firstLine;
    throw new UserError(`${chosen.problem.message}: ${chosen.problem.hint ?? ""}`, { file: "spec", line: where.start.line, col: where.start.col });
  };
  const builderImage = pick(plan.builderImage, "builder");
  const base = plan.base.kind === "image" ? { kind: "image" as const, ref: pick(plan.base.ref, "base") } : plan.base;
  return { plan: builderImage === plan.builderImage && base === plan.base ? plan : { ...plan, builderImage, base }, ociStores };
}
