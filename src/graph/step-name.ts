/** How Go steps are named in the progress output. */
import type { BinaryPlan, Platform } from "../plan/types.js";
import { platformId } from "./go-env.js";

/** "[api linux/arm64] ": which binary or target, and which platform, a step is for when there are several. */
export function stepPrefix(label: string | undefined, target: Platform, multiPlatform: boolean): string {
  const parts = [label, multiPlatform ? platformId(target) : undefined].filter((p) => p !== undefined);
  return parts.length === 0 ? "" : `[${parts.join(" ")}] `;
}

/** With targets, a binary's steps carry its name; a single-image spec needs no label. */
export function binaryLabel(bin: BinaryPlan): string | undefined {
  return bin.target === undefined ? undefined : bin.binaryName;
}
