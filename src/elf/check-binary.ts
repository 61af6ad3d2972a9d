/** The verdict on a built binary: one line per problem, naming the cause and the fix. */
import type { GoBuildInfo } from "./modinfo.js";
import type { ElfInfo } from "./read-elf.js";

/** What the target platform requires of the binary. */
export interface BinaryExpectation {
  /** GOARCH of the target platform. */
  readonly arch: string;
  /** The platform, as users write it, for messages (default linux/<arch>). */
  readonly platform?: string;
  /** Platform variant: v6/v7 for arm, v2/v3/v4 for amd64; the binary must not need a newer one. */
  readonly variant?: string;
  /** No loader, no shared libraries. */
  readonly static: boolean;
}

const KINDS: Readonly<Record<string, string>> = { REL: "a relocatable object (.o)", CORE: "a core dump", OTHER: "an ELF file of unknown type" };

/** Problems with `elf` for `expect`, [] when it fits; `go` (the binary's build info) sharpens the causes. */
export function checkBinary(elf: ElfInfo, expect: BinaryExpectation, go?: GoBuildInfo): string[] {
  const platform = expect.platform ?? `linux/${expect.arch}${expect.variant ? `/${expect.variant}` : ""}`;
  const problems: string[] = [];
  const kind = KINDS[elf.type];
  if (kind !== undefined) problems.push(`binary is ${kind}, not a program: build a \`package main\``);
  if (elf.arch !== expect.arch) {
    problems.push(`binary is for ${elf.arch} but the target platform is ${platform}`);
  } else {
    const level = variantProblem(elf.arch, expect.variant, go);
    if (level !== undefined) problems.push(`${level} but the target platform is ${platform}: ${levelFix(elf.arch)}`);
  }
  const goos = go?.settings["GOOS"];
  if (goos !== undefined && goos !== "linux") problems.push(`binary is for GOOS=${goos} but the target platform is ${platform}: build with GOOS=linux`);
  if (expect.static && !elf.isStatic) problems.push(staticProblem(elf, go));
  return problems;
}

function staticProblem(elf: ElfInfo, go: GoBuildInfo | undefined): string {
  const needs = elf.interpreter ?? elf.needed.join(", ");
  if (go?.settings["CGO_ENABLED"] === "0") {
    // With cgo off Go links statically unless a build mode asks for the loader (pie does, even without libraries).
    const mode = go.settings["-buildmode"];
    const cause = mode !== undefined && mode !== "exe" ? `-buildmode=${mode} links against the loader even with cgo off` : "cgo is off but the link is dynamic";
    return `binary needs ${needs} (${cause}): build with the default -buildmode=exe, which gives a static binary`;
  }
  return `binary needs ${needs} (cgo is on): set \`cgo: false\`, or keep cgo with \`link: dynamic\`, which ships the loader and libraries`;
}

/** A numeric level from "v7", "7", "7,softfloat" or "v3"; undefined when absent or unreadable. */
function levelOf(v: string | undefined): number | undefined {
  const m = v === undefined ? null : /^v?(\d+)/.exec(v);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

function variantProblem(arch: string, variant: string | undefined, go: GoBuildInfo | undefined): string | undefined {
  const key = arch === "arm" ? "GOARM" : arch === "amd64" ? "GOAMD64" : undefined;
  if (key === undefined || go === undefined) return undefined;
  const built = levelOf(go.settings[key]);
  // No variant means the baseline: v1 for amd64; arm has no safe default, so only an explicit one is checked.
  const target = levelOf(variant) ?? (arch === "amd64" ? 1 : undefined);
  if (built === undefined || target === undefined || built <= target) return undefined;
  return `binary is built with ${key}=${go.settings[key]} and needs a newer CPU`;
}

function levelFix(arch: string): string {
  return arch === "arm" ? "build with GOARM matching the platform variant (linux/arm/v6 → GOARM=6)" : "build with GOAMD64 matching the platform variant (linux/amd64 → GOAMD64=v1)";
}
