/** OCI platforms as client/llb holds them: normalised on a State, verbatim on an op's constraints. */
import { create } from "@bufbuild/protobuf";
import { PlatformSchema, type Platform as PbPlatform } from "../gen/pb/ops_pb.js";
import type { Platform } from "../types.js";

export type { Platform } from "../types.js";

/**
 * The canonical spelling containerd's `platforms.Normalize` gives: lower case,
 * `x86_64` → `amd64`, `aarch64` → `arm64` without `v8`, `arm` defaults to `v7`.
 */
export function normalizePlatform(p: Platform): Platform {
  const os = normalizeOs(p.os);
  let arch = p.architecture.toLowerCase();
  let variant = (p.variant ?? "").toLowerCase();
  switch (arch) {
    case "i386":
      arch = "386";
      variant = "";
      break;
    case "x86_64":
    case "x86-64":
    case "amd64":
      arch = "amd64";
      if (variant === "v1") variant = "";
      break;
    case "aarch64":
    case "arm64":
      arch = "arm64";
      if (variant === "8" || variant === "v8" || variant === "v8.0") variant = "";
      else if (variant === "9" || variant === "9.0" || variant === "v9.0") variant = "v9";
      break;
    case "armhf":
      arch = "arm";
      variant = "v7";
      break;
    case "armel":
      arch = "arm";
      variant = "v6";
      break;
    case "arm":
      if (variant === "" || variant === "7") variant = "v7";
      else if (variant === "5" || variant === "6" || variant === "8") variant = `v${variant}`;
      break;
  }
  return Object.freeze(variant === "" ? { os, architecture: arch } : { os, architecture: arch, variant });
}

function normalizeOs(os: string): string {
  const lower = os.toLowerCase();
  return lower === "macos" ? "darwin" : lower;
}

/** `linux/arm64/v8`-style text, for messages. */
export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

export function toPbPlatform(p: Platform): PbPlatform {
  return create(PlatformSchema, { OS: p.os, Architecture: p.architecture, Variant: p.variant ?? "" });
}
