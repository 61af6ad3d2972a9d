/** The `platform` option ("linux/amd64,linux/arm64") → normalised platforms, the way containerd spells them. */
import { didYouMean } from "../spec/did-you-mean.js";
import type { Platform } from "./types.js";

/** A `platform` value slimgo cannot build for. */
export class PlatformError extends Error {
  override name = "PlatformError";
}

/** True for a PlatformError, even one from another copy of this module. */
export function isPlatformError(err: unknown): err is PlatformError {
  return err instanceof Error && err.name === "PlatformError";
}

// Go's GOARCH values that have Linux container images.
const ARCHITECTURES = ["386", "amd64", "arm", "arm64", "loong64", "mips", "mips64", "mips64le", "mipsle", "ppc64", "ppc64le", "riscv64", "s390x"];

// containerd's normalizeArch aliases.
const ARCH_ALIASES: Record<string, { architecture: string; variant?: string }> = {
  i386: { architecture: "386" },
  x86_64: { architecture: "amd64" },
  "x86-64": { architecture: "amd64" },
  aarch64: { architecture: "arm64" },
  armhf: { architecture: "arm", variant: "v7" },
  armel: { architecture: "arm", variant: "v6" },
};

/** Parse a comma-separated platform list; duplicates (after normalising) are dropped. Throws PlatformError. */
export function parsePlatforms(text: string): Platform[] {
  const out: Platform[] = [];
  const seen = new Set<string>();
  for (const item of text.split(",")) {
    const platform = parsePlatform(item.trim());
    const id = [platform.os, platform.architecture, platform.variant ?? ""].join("/");
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(platform);
  }
  return out;
}

/** Parse and normalise one "os/arch[/variant]". */
export function parsePlatform(text: string): Platform {
  const bad = (why: string) => new PlatformError(`invalid platform "${text}": ${why}`);
  if (text === "") throw bad(`empty entry (write platforms like "linux/amd64,linux/arm64")`);
  const parts = text.toLowerCase().split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === "")) {
    const hint = parts.length === 1 && ARCHITECTURES.includes(parts[0] ?? "") ? `write "linux/${text}"` : `write it as os/arch[/variant], like "linux/arm64"`;
    throw bad(`expected os/arch[/variant] (${hint})`);
  }
  const [os, rawArch, rawVariant] = parts as [string, string, string | undefined];
  if (os !== "linux") throw bad(`slimgo builds Linux images, not ${os} (use "linux/${rawArch}")`);

  const alias = ARCH_ALIASES[rawArch];
  const architecture = alias?.architecture ?? rawArch;
  if (!ARCHITECTURES.includes(architecture)) {
    throw bad(`unknown architecture "${rawArch}" (${didYouMean(rawArch, ARCHITECTURES) ?? `known: ${ARCHITECTURES.join(", ")}`})`);
  }
  const variant = normaliseVariant(architecture, rawVariant ?? alias?.variant, bad);
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

function normaliseVariant(architecture: string, variant: string | undefined, bad: (why: string) => PlatformError): string | undefined {
  const v = variant === undefined ? undefined : /^[0-9]/.test(variant) ? `v${variant}` : variant;
  switch (architecture) {
    case "amd64":
      if (v === undefined || v === "v1") return undefined;
      if (["v2", "v3", "v4"].includes(v)) return v;
      throw bad(`amd64 variants are v1 to v4, not "${variant}"`);
    case "arm64":
      if (v === undefined || v === "v8" || v === "v8.0") return undefined;
      if (/^v(8|9)\.[0-9]$|^v9$/.test(v)) return v;
      throw bad(`arm64 variants are v8, v8.1 … v9.5, not "${variant}"`);
    case "arm":
      if (v === undefined) return "v7";
      if (v === "v5" || v === "v6" || v === "v7") return v;
      throw bad(`arm variants are v5, v6 and v7, not "${variant}"${v === "v8" ? ` (use "linux/arm64" for 64-bit ARM)` : ""}`);
    default:
      if (v !== undefined) throw bad(`${architecture} has no variants (drop "/${variant}")`);
      return undefined;
  }
}
