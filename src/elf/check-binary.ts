/** The verdict on a built binary: one line per problem, naming the cause and the fix. */
import type { ElfInfo } from "./read-elf.js";

export interface BinaryExpectation {
  /** GOARCH of the target platform. */
  readonly arch: string;
  /** The platform, as users write it, for messages. */
  readonly platform?: string;
  readonly static: boolean;
}

export function checkBinary(elf: ElfInfo, expect: BinaryExpectation): string[] {
  const problems: string[] = [];
  if (elf.arch !== expect.arch) {
    problems.push(`binary is for ${elf.arch} but the target platform is ${expect.platform ?? `linux/${expect.arch}`}`);
  }
  if (expect.static && !elf.isStatic) {
    const needs = elf.interpreter ?? elf.needed.join(", ");
    problems.push(
      `binary needs ${needs} (cgo is on): set \`cgo: false\`, or keep cgo with \`link: dynamic\`, which ships the loader and libraries`,
    );
  }
  return problems;
}
