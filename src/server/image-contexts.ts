/**
 * `--build-context NAME=docker-image://REF`: as with a Dockerfile's FROM, a
 * named context whose name is the builder's or the base's image reference
 * replaces that image. buildx sends it as the option `context:NAME`.
 */
import { LlbError, normalizeImageRef, parseNormalizedNamed } from "../llb/index.js";
import type { Plan } from "../plan/types.js";
import type { ParsedSpec } from "../spec/index.js";
import type { Problem } from "../spec/index.js";
import { UserError } from "./errors.js";

const DOCKER_IMAGE = "docker-image://";

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
export function imageFromContext(ref: string, contexts: ReadonlyMap<string, string>): { ref: string } | { problem: Problem } {
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
    const kind = value.slice(0, Math.max(0, value.indexOf(":")));
    return {
      problem: {
        message: `--build-context ${name} gives a ${kind === "" ? value : kind} context, which cannot replace the image ${ref}`,
        hint: `pass an image: --build-context ${name}=docker-image://REF (push an OCI layout to a registry first)`,
      },
    };
  }
  return { ref };
}

/** The plan with its builder and base images replaced by the named contexts that name them. */
export function withImageContexts(plan: Plan, contexts: ReadonlyMap<string, string>, parsed: ParsedSpec): Plan {
  const pick = (ref: string, field: "builder" | "base"): string => {
    const chosen = imageFromContext(ref, contexts);
    if ("ref" in chosen) return chosen.ref;
    const where = parsed.ranges.fields[field] ?? (field === "builder" ? parsed.ranges.fields.go : undefined) ?? parsed.ranges.firstLine;
    throw new UserError(`${chosen.problem.message}: ${chosen.problem.hint ?? ""}`, { file: "spec", line: where.start.line, col: where.start.col });
  };
  const builderImage = pick(plan.builderImage, "builder");
  const base = plan.base.kind === "image" ? { kind: "image" as const, ref: pick(plan.base.ref, "base") } : plan.base;
  return builderImage === plan.builderImage && base === plan.base ? plan : { ...plan, builderImage, base };
}
