/**
 * Proves what Go users check by hand with `file`, `ldd` and `readelf`: the
 * built binary is for the target architecture and is static when cgo is off.
 * The build is evaluated before Return so a wrong binary never becomes an
 * image; the verdict shows in the progress output as its own step.
 */
import { ElfError, type ElfInfo, type GoBuildInfo, type SizeReport, checkBinary, loadForInspection, readElf, readGoBuildInfo, sizeReport } from "../elf/index.js";
import { marshal, mkfile, scratch, type State } from "../llb/index.js";
import type { Caps, Gateway } from "../gateway/llb-bridge.js";
import { GO_LIST_REPORT } from "../graph/compile.js";
import { platformId } from "../graph/go-env.js";
import type { BuiltBinary } from "../graph/go-recipe.js";
import type { BinaryPlan, Plan, Platform, SpecRange } from "../plan/types.js";
import { formatLimit } from "../gateway/reply-errors.js";
import { RpcError } from "../gateway/rpc.js";
import { downloadFailure } from "./download-failure.js";
import { UserError } from "./errors.js";
import { cgoVerdict } from "./cgo-verdict.js";
import { type GoListReport, parseGoListReport } from "./go-list-report.js";

export interface Verified {
  readonly bin: BinaryPlan;
  readonly platform: Platform;
  readonly summary: string;
  readonly report: GoListReport;
  readonly elf: ElfInfo;
  /** The binary's Go build info (modules, toolchain, settings); undefined when it carries none. */
  readonly info?: GoBuildInfo;
  /** The solved build output (binary + report), for reading more from it. */
  readonly ref: string;
  /** Size of the binary in bytes. */
  readonly size: number;
  /** With compress: upx, the packed binary's step. */
  readonly packed?: State;
  /** Bytes per module and package, when asked for (size: or --call size). */
  readonly attribution?: SizeReport;
  /** Milliseconds the attribution took. */
  readonly attributionMs?: number;
}

/** The largest binary slimgo reads back (attribution holds it whole in memory): far above any real Go program. */
export const MAX_BINARY_BYTES = 1 << 30;
/** The go list report of our own build step: one line per package, a few MB for the largest programs. */
const MAX_REPORT_BYTES = 64 << 20;

export interface VerifyInputs {
  readonly plan: Plan;
  readonly caps: Caps;
  /** Where to point errors about cgo: the spec's `cgo` field, else its first line. */
  readonly cgoRange: SpecRange;
  /** Attribute the binary's bytes to modules and packages. */
  readonly attribute?: boolean;
}

/** Build and check one platform's binary; throws a UserError naming cause and fix. */
export async function verifyBinary(gw: Gateway, built: BuiltBinary, platform: Platform, inputs: VerifyInputs): Promise<Verified> {
  const { plan, caps } = inputs;
  const { bin } = built;
  let ref: string;
  let reportText: Uint8Array;
  try {
    ref = await gw.solve(marshal(built.build, { caps: caps.llb, platform: plan.buildPlatform }));
    reportText = await gw.readWholeFile(ref, GO_LIST_REPORT, MAX_REPORT_BYTES);
  } catch (err) {
    throw buildFailed(err, bin, platform, plan);
  }
  const report = parseGoListReport(new TextDecoder().decode(reportText));
  const cgoProblem = cgoVerdict(bin, report, inputs.cgoRange);
  if (cgoProblem) throw cgoProblem;
  try {
    return { bin, platform, report, ref, ...(built.packed ? { packed: built.packed } : {}), ...(await inspect(gw, ref, bin, platform, inputs.attribute === true)) };
  } catch (err) {
    if (!(err instanceof ElfError)) throw err;
    // Go wrote something that is not a program (or it was cut short): a failed build, shown on the spec line that built it.
    const where = bin.locations.build ?? plan.locations.build;
    throw new UserError(
      `${bin.binaryName} for ${platformId(platform)}: the build output is not a usable binary: ${err.message}`,
      where ? { file: "spec", line: where.start.line, col: where.start.col } : undefined,
    );
  }
}

/** Read the binary back and check it; ElfErrors say what is wrong with the bytes. */
async function inspect(gw: Gateway, ref: string, bin: BinaryPlan, platform: Platform, attribute: boolean) {
  // Attribution needs the whole file; the checks need only its headers and small sections.
  const { size } = await gw.statFile(ref, bin.binaryName);
  if (size > MAX_BINARY_BYTES) {
    throw new UserError(`${bin.binaryName} for ${platformId(platform)} is ${formatSize(size)}, more than the ${formatLimit(MAX_BINARY_BYTES)} slimgo reads back to verify`);
  }
  const read = (offset: number, length: number) => gw.readRange(ref, bin.binaryName, offset, length);
  let { bytes, whole } = attribute ? { bytes: await read(0, size), whole: true } : await loadForInspection(size, read);
  let elf = readElf(bytes);
  let info = readGoBuildInfo(bytes, elf);
  if (info === undefined && !whole) {
    // Old binaries keep build info behind pointers into data sections: read everything.
    bytes = await read(0, size);
    elf = readElf(bytes);
    info = readGoBuildInfo(bytes, elf);
  }
  const expect = { arch: platform.architecture, platform: platformId(platform), static: bin.link !== "dynamic" };
  const problems = checkBinary(elf, platform.variant === undefined ? expect : { ...expect, variant: platform.variant }, info);
  if (problems.length > 0) throw new UserError(`${bin.binaryName} for ${platformId(platform)}: ${problems.join("; ")}`);
  const kind = elf.isStatic ? "static" : `dynamic (${[elf.interpreter, ...elf.needed].filter(Boolean).join(", ")})`;
  const summary = `${bin.binaryName} ${platformId(platform)}: ${kind} ${elf.arch} ELF, ${info?.goVersion ?? "no Go build info"}, ${formatSize(size)}`;
  const started = performance.now();
  const attribution = attribute ? sizeReport(bytes) : undefined;
  const attributed = attribution ? { attribution, attributionMs: Math.round(performance.now() - started) } : {};
  return { summary, elf, size, ...(info ? { info } : {}), ...attributed };
}

// BuildKit prints the step's output; the error says which step, in words, on the spec line that made it.
function buildFailed(err: unknown, bin: BinaryPlan, platform: Platform, plan: Plan): unknown {
  if (!(err instanceof RpcError) || !/did not complete successfully/.test(err.details)) return err;
  const exit = /exit code: (\d+)/.exec(err.details)?.[1];
  const code = exit ? ` (exit code ${exit})` : "";
  // The failed process is named in the details: our build script runs as "go-build", the download as "go mod download".
  const [step, where] = err.details.includes(" go-build go build ")
    ? [`go build ${bin.main} for ${platformId(platform)}`, bin.locations.build ?? plan.locations.build]
    : err.details.includes("go mod download")
      ? ["go mod download", plan.locations.download]
      : [undefined, undefined];
  if (step === undefined) return err;
  if (step === "go mod download" && exit !== undefined) {
    const advice = downloadFailure(plan, Number(exit));
    if (advice !== undefined) return advice;
  }
  return new UserError(
    `${step} failed${code}: Go's messages are in the step's output above`,
    where ? { file: "spec", line: where.start.line, col: where.start.col } : undefined,
  );
}

/** Make the verdict a step in the progress output: a tiny file op named after it. */
export async function showVerdict(gw: Gateway, caps: Caps, verified: readonly Verified[]): Promise<void> {
  if (!caps.frontend.has("gateway.solve.evaluate")) return;
  await Promise.all(
    verified.map((v) =>
      gw.solve(marshal(scratch().file(mkfile("/verified", 0o644, `${v.summary}\n`), { customName: `verified ${v.summary}` }), { caps: caps.llb }), {
        evaluate: true,
      }),
    ),
  );
}

export function formatSize(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`;
}
