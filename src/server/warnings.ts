/**
 * Warnings through BuildKit's Warn API: buildx prints them under the step
 * that loaded the spec and in its summary, with the spec line.
 */
import type { Caps, Gateway } from "../gateway/llb-bridge.js";
import type { BinaryPlan, Plan, SpecRange } from "../plan/types.js";
import { type State, marshal } from "../llb/index.js";
import type { ParsedSpec } from "../spec/index.js";
import type { GoListReport } from "./go-list-report.js";
import { redactEnvValue } from "./redact.js";
import { formatSize } from "./verify.js";

export interface Warning {
  /** Rule-style name, e.g. CgoNetResolver. */
  readonly rule: string;
  readonly message: string;
  readonly range: SpecRange;
}

/** The spec line ranges warnings point at. */
export interface WarningRanges {
  readonly cgo: SpecRange;
  readonly link: SpecRange;
  readonly base: SpecRange;
  readonly firstLine: SpecRange;
}

/** What the plan alone says a user should know (also answered by --call check, without building). */
export function planWarnings(plan: Plan, ranges: WarningRanges): Warning[] {
  const out: Warning[] = [];
  if (plan.link === "static") {
    out.push({
      rule: "StaticGlibc",
      message:
        "link: static puts glibc in the binary, and glibc cannot load NSS modules there (LDAP users, mDNS, nsswitch.conf entries other than files and dns); tags netgo and osusergo were added so Go's own resolver and user lookup run instead",
      range: ranges.link,
    });
  }
  const withCredentials = plan.goEnv.filter(([name, value]) => redactEnvValue(name, value) !== value).map(([name]) => name);
  if (withCredentials.length > 0) {
    out.push({
      rule: "CredentialsInBuildArg",
      message: `${withCredentials.join(", ")} ${withCredentials.length === 1 ? "carries" : "carry"} credentials (user:password@), which land in the download step's definition, cache key and BuildKit's provenance: drop them from the URL, write them to a netrc ("machine HOST:PORT login USER password TOKEN") and pass --secret id=netrc,src=$HOME/.netrc`,
      range: ranges.firstLine,
    });
  }
  if (plan.missingGoSum) {
    out.push({ rule: "NoGoSum", message: "the context has no go.sum, so module hashes were computed now: commit go.sum for reproducible builds", range: ranges.firstLine });
  }
  return out;
}

/** What the build's go list report says a user should know. */
export function reportWarnings(plan: Plan, bin: BinaryPlan, report: GoListReport, ranges: WarningRanges): Warning[] {
  const out: Warning[] = [];
  if (plan.base.kind === "scratch" && report.usesX509) {
    out.push({
      rule: "ScratchWithoutCerts",
      message: `${bin.binaryName} links crypto/x509, but base: scratch has no CA certificates, so TLS connections fail with "x509: certificate signed by unknown authority": use base: static, or embed roots with golang.org/x/crypto/x509roots/fallback`,
      range: ranges.base,
    });
  }
  // A package whose pure-Go tag is already set needs no advice.
  const net = report.usesNet && !bin.tags.includes("netgo");
  const user = report.usesOsUser && !bin.tags.includes("osusergo");
  if (bin.cgo && bin.link === "dynamic" && (net || user)) {
    const pkgs = [net ? "net" : "", user ? "os/user" : ""].filter(Boolean);
    const tags = [net ? "netgo" : "", user ? "osusergo" : ""].filter(Boolean);
    out.push({
      rule: "CgoResolver",
      message: `with cgo on, ${pkgs.join(" and ")} ${pkgs.length === 1 ? "uses" : "use"} glibc's NSS at run time; add tags [${tags.join(", ")}] for Go's own implementation, which needs no NSS files`,
      range: ranges.cgo,
    });
  }
  if (!bin.cgo && report.cgoInDeps.length > 0) {
    const shown = report.cgoInDeps.slice(0, 3).join(", ") + (report.cgoInDeps.length > 3 ? ", …" : "");
    out.push({
      rule: "CgoDependency",
      message: `${shown} ${report.cgoInDeps.length === 1 ? "has" : "have"} cgo files, left out with cgo off; if the program fails at run time, set cgo: true`,
      range: ranges.cgo,
    });
  }
  return out;
}

/** Where each warning points, from the parsed spec. */
export function warningRanges(parsed: ParsedSpec): WarningRanges {
  const cgo = parsed.ranges.fields.cgo ?? parsed.ranges.firstLine;
  return { cgo, link: parsed.ranges.fields.link ?? cgo, base: parsed.ranges.fields.base ?? parsed.ranges.firstLine, firstLine: parsed.ranges.firstLine };
}

/** What UPX did, measured: the size it saved and what it costs. */
export async function upxWarnings(
  gw: Gateway,
  caps: Caps,
  plan: Plan,
  verified: ReadonlyArray<{ bin: BinaryPlan; size: number; packed?: State }>,
  range: SpecRange,
): Promise<Warning[]> {
  const out: Warning[] = [];
  for (const { bin, size: before, packed } of verified) {
    if (packed === undefined) continue;
    const ref = await gw.solve(marshal(packed, { caps: caps.llb, platform: plan.buildPlatform }));
    const after = (await gw.statFile(ref, bin.binaryName)).size;
    const change = Math.round((100 * (after - before)) / before);
    out.push({
      rule: "UpxCompression",
      message: `compress: upx packed ${bin.binaryName} from ${formatSize(before)} to ${formatSize(after)} (${change}%); every start now unpacks it in memory, scanners may flag it, and pprof loses its symbols`,
      range,
    });
  }
  return out;
}

/**
 * Send each warning; a daemon without the Warn API (Docker 20.10) gets them
 * in the frontend log only, and so does one whose Warn fails: a warning
 * that cannot be shown is no reason to fail the build.
 */
export async function sendWarnings(
  gw: Gateway,
  caps: Caps,
  vertex: string | undefined,
  spec: { filename: string; data: Uint8Array },
  warnings: readonly Warning[],
): Promise<boolean> {
  if (!caps.frontend.has("gateway.warnings") || vertex === undefined || warnings.length === 0) return false;
  const enc = new TextEncoder();
  const sent = await Promise.allSettled(
    warnings.map((w) =>
      gw.warn({
        digest: vertex,
        level: 1n,
        short: enc.encode(`${w.rule}: ${w.message} (line ${w.range.start.line})`),
        detail: [enc.encode(w.message)],
        info: { filename: spec.filename, data: spec.data, language: "YAML" },
        ranges: [{ start: { line: w.range.start.line, character: w.range.start.col }, end: { line: w.range.end.line, character: w.range.end.col } }],
      }),
    ),
  );
  return sent.every((r) => r.status === "fulfilled");
}
