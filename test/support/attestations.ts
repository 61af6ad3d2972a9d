/** A pushed image's attestations, as `docker buildx imagetools inspect` shows them. */
import assert from "node:assert/strict";
import { run } from "./docker.js";

/** `{{json .SBOM}}` or `{{json .Provenance}}` of `ref` (its platform's entry, for a one-platform index). */
export async function inspectAttestation(ref: string, what: "SBOM" | "Provenance"): Promise<{ SPDX?: any; SLSA?: any }> {
  const r = await run("docker", ["buildx", "imagetools", "inspect", "--format", `{{json .${what}}}`, ref]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/**
 * The LLB a provenance predicate records, which only mode=max writes: at the
 * top in SLSA v0.2 (the engine's BuildKit), under the build definition's
 * internal parameters in v1 (BuildKit v0.34's default).
 */
export function provenanceLlb(slsa: any): unknown[] | undefined {
  return (slsa?.buildConfig ?? slsa?.buildDefinition?.internalParameters?.buildConfig)?.llbDefinition;
}
