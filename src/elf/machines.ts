/** ELF e_machine → the GOARCH spelling, the one users know. */
const MACHINES: Readonly<Record<number, { arch: string; arch64?: string; archBE?: string }>> = {
  3: { arch: "386" },
  8: { arch: "mipsle", arch64: "mips64le", archBE: "mips" },
  20: { arch: "ppc" },
  21: { arch: "ppc64le", archBE: "ppc64" },
  22: { arch: "s390x" },
  40: { arch: "arm" },
  62: { arch: "amd64" },
  183: { arch: "arm64" },
  243: { arch: "riscv64" },
  258: { arch: "loong64" },
};

export function archName(machine: number, is64: boolean, littleEndian: boolean): string {
  const m = MACHINES[machine];
  if (m === undefined) return `machine-${machine}`;
  if (!littleEndian && m.archBE !== undefined) return is64 && m.arch64 ? m.arch64.replace("le", "") : m.archBE;
  return is64 && m.arch64 ? m.arch64 : m.arch;
}
