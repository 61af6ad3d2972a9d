/**
 * `compress: upx`, opt-in only: UPX shrinks the file but the program must
 * unpack itself at every start, scanners flag packed binaries, and pprof
 * loses its symbols. The tool comes from Debian (upx-ucl) in a cached step.
 */
import { INSTALL_UPX_SH } from "../gen/shell.js";
import { scratch, type State } from "../llb/index.js";
import type { BinaryPlan, Plan, Platform } from "../plan/types.js";
import { binaryLabel, stepPrefix } from "./step-name.js";

const IN = "/slimgo-upx/in";
const OUT = "/slimgo-upx/out";

/** The builder with UPX installed. */
export function upxTool(builder: State, plan: Plan): State {
  return builder
    .run({
      args: ["/bin/sh", "-c", INSTALL_UPX_SH],
      network: plan.network,
      customName: "install upx (compress: upx)",
    })
    .root();
}

/** A state whose root holds the packed binary at /<name>. */
export function upxPack(tool: State, build: State, bin: BinaryPlan, platform: Platform, multiPlatform: boolean): State {
  return tool
    .run({
      args: ["upx", "-q", "--best", "-o", `${OUT}/${bin.binaryName}`, `${IN}/${bin.binaryName}`],
      mounts: [
        { dest: IN, source: build, readonly: true },
        { dest: OUT, source: scratch() },
      ],
      network: "none",
      customName: `${stepPrefix(binaryLabel(bin), platform, multiPlatform)}upx ${bin.binaryName}`,
    })
    .getMount(OUT);
}
