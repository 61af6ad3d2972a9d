/** ELF e_machine → the GOARCH spelling, the one users know. */

export const EM = {
  SPARC: 2,
  I386: 3,
  MIPS: 8,
  PPC: 20,
  PPC64: 21,
  S390: 22,
  ARM: 40,
  SPARCV9: 43,
  IA_64: 50,
  X86_64: 62,
  AARCH64: 183,
  RISCV: 243,
  LOONGARCH: 258,
} as const;

/**
 * One e_machine covers several GOARCHes (EM_MIPS is mips, mipsle, mips64 and
 * mips64le), so the class and byte order pick the name.
 */
function name(machine: number, is64: boolean, le: boolean): string | undefined {
  switch (machine) {
    case EM.I386:
      return "386";
    case EM.X86_64:
      return is64 ? "amd64" : "amd64p32";
    case EM.ARM:
      return le ? "arm" : "armbe";
    case EM.AARCH64:
      return le ? "arm64" : "arm64be";
    case EM.MIPS:
      return (is64 ? "mips64" : "mips") + (le ? "le" : "");
    case EM.PPC:
      return "ppc";
    case EM.PPC64:
      return le ? "ppc64le" : "ppc64";
    case EM.S390:
      return is64 ? "s390x" : "s390";
    case EM.RISCV:
      return is64 ? "riscv64" : "riscv";
    case EM.LOONGARCH:
      return is64 ? "loong64" : "loong32";
    case EM.SPARC:
      return "sparc";
    case EM.SPARCV9:
      return "sparc64";
    case EM.IA_64:
      return "ia64";
    default:
      return undefined;
  }
}

/** GOARCH-style name for an ELF machine, e.g. (62, true, true) → "amd64"; unknown machines → "machine-N". */
export function archName(machine: number, is64: boolean, littleEndian: boolean): string {
  return name(machine, is64, littleEndian) ?? `machine-${machine}`;
}
