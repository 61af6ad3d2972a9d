/**
 * cgo with link: dynamic. On a static or scratch base, the loader and the
 * libraries come from the builder image, which linked the binary. On another
 * base image they must already be there: this is where Alpine's "no such
 * file or directory" is caught, at build time, with the reason.
 */
import type { Caps, Gateway } from "../gateway/llb-bridge.js";
import { platformId } from "../graph/go-env.js";
import { pinnedImage } from "../graph/pinned-image.js";
import { type OciStore, marshal } from "../llb/index.js";
import type { Plan, Platform } from "../plan/types.js";
import { UserError } from "./errors.js";
import { runtimeClosure } from "./runtime-libs.js";
import type { Verified } from "./verify.js";
import type { ResolveMode } from "../types.js";

/** Per platform id, the files to copy from the builder (none when the base image has them). */
export async function dynamicRuntime(
  gw: Gateway,
  caps: Caps,
  plan: Plan,
  verified: readonly Verified[],
  resolveMode: ResolveMode,
  digests: { readonly builderDigest?: string; readonly baseDigests?: ReadonlyMap<string, string>; readonly ociStores?: ReadonlyMap<string, OciStore> } = {},
): Promise<Map<string, readonly string[]>> {
  const files = new Map<string, readonly string[]>();
  // The images the recipe copies from, by the digests it pins.
  const rootOf = async (ref: string, digest: string | undefined, platform: Platform) =>
    gw.solve(marshal(pinnedImage(ref, digest, { platform, resolveMode, ociStores: digests.ociStores }), { caps: caps.llb, platform }));
  // Every platform's libraries come from the one builder image on the build platform.
  let builderRoot: string | undefined;
  for (const v of verified) {
    if (plan.base.kind === "image") {
      const { missing } = await runtimeClosure(gw, await rootOf(plan.base.ref, digests.baseDigests?.get(platformId(v.platform)), v.platform), v.elf);
      if (missing.length > 0) {
        throw new UserError(
          `base ${plan.base.ref} lacks ${missing.join(", ")}, which the cgo binary needs (without its loader it fails with "no such file or directory"): ` +
            "use base: static, which gets them copied in, or link: static",
        );
      }
      files.set(platformId(v.platform), []);
    } else {
      builderRoot ??= await rootOf(plan.builderImage, digests.builderDigest, plan.buildPlatform);
      const closure = await runtimeClosure(gw, builderRoot, v.elf);
      if (closure.missing.length > 0) {
        throw new UserError(
          `the binary needs ${closure.missing.join(", ")}, which the builder image ${plan.builderImage} does not have: install the package in the builder, or use link: static`,
        );
      }
      files.set(platformId(v.platform), closure.files);
    }
  }
  return files;
}
