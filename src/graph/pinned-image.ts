/**
 * Images by digest. A tag moves; the builder's CA bundle and zoneinfo end up
 * in the image, so the graph names the digest BuildKit resolved the tag to,
 * as the Dockerfile frontend does. The tag stays in the reference
 * (name:tag@sha256:…), so the progress output still says which one it is.
 */
import { LlbError, type OciStore, type ResolveMode, type State, image, normalizeImageRef, parseNormalizedNamed } from "../llb/index.js";
import type { Platform } from "../plan/types.js";

const DIGEST = /^sha(256:[0-9a-f]{64}|384:[0-9a-f]{96}|512:[0-9a-f]{128})$/;

/** `ref` pinned to `digest`; unchanged without a digest or when the reference already names one. */
export function pinImageRef(ref: string, digest: string | undefined): string {
  if (digest === undefined || digest === "" || parseNormalizedNamed(ref).digest !== undefined) return ref;
  if (!DIGEST.test(digest)) throw new LlbError(`BuildKit resolved image ${ref} to ${JSON.stringify(digest.slice(0, 80))}, which is not a digest`);
  return `${normalizeImageRef(ref)}@${digest}`;
}

/** `ref` pinned to `digest`, from the OCI layout store `--build-context` gave for it, else from its registry. */
export function pinnedImage(
  ref: string,
  digest: string | undefined,
  o: { readonly platform: Platform; readonly resolveMode: ResolveMode; readonly ociStores?: ReadonlyMap<string, OciStore> | undefined },
): State {
  const ociStore = o.ociStores?.get(ref);
  return image(pinImageRef(ref, digest), { platform: o.platform, resolveMode: o.resolveMode, ...(ociStore ? { ociStore } : {}) });
}
