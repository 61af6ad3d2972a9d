/** The final stage and the image config, from the spec. */
import type { Spec } from "../spec/types.js";
import { sortPairs } from "./go-env.js";
import type { BasePlan, ImageConfigPlan } from "./types.js";

/** distroless's static image, nonroot tag; `SLIMGO_DISTROLESS_IMAGE` overrides it for mirrors. */
export const DISTROLESS_IMAGE = "gcr.io/distroless/static-debian12:nonroot";
/** Build arg that replaces DISTROLESS_IMAGE. */
export const DISTROLESS_BUILD_ARG = "SLIMGO_DISTROLESS_IMAGE";
/** Where the static base puts the CA bundle. */
export const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** `base:` → what the final stage starts from. */
export function basePlan(base: string, buildArgs: Readonly<Record<string, string>>): BasePlan {
  switch (base) {
    case "static":
      return { kind: "static" };
    case "scratch":
      return { kind: "scratch" };
    case "distroless": {
      const override = Object.hasOwn(buildArgs, DISTROLESS_BUILD_ARG) ? buildArgs[DISTROLESS_BUILD_ARG] : undefined;
      return { kind: "image", ref: override !== undefined && override !== "" ? override : DISTROLESS_IMAGE };
    }
    default:
      return { kind: "image", ref: base };
  }
}

/** User, env, ports, cmd, labels, workdir, health check, stop signal and annotations; maps sorted by name. */
export function imageConfigPlan(spec: Spec, base: BasePlan): ImageConfigPlan {
  const env = new Map<string, string>(spec.env);
  // Go reads SSL_CERT_FILE first, so TLS works even where its directory probing would miss the bundle.
  if (base.kind === "static" && !env.has("SSL_CERT_FILE")) env.set("SSL_CERT_FILE", CA_BUNDLE);
  return {
    user: spec.user,
    env: sortPairs(env),
    exposedPorts: [...spec.ports],
    cmd: [...spec.args],
    labels: sortPairs(spec.labels),
    workdir: spec.workdir,
    ...(spec.healthcheck !== undefined ? { healthcheck: spec.healthcheck } : {}),
    ...(spec.stopSignal !== undefined ? { stopSignal: spec.stopSignal } : {}),
    annotations: sortPairs(spec.annotations),
  };
}
