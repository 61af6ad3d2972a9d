/** `slimgo verify FILE`: the frontend's ELF check on a local binary. */
import { readFileSync } from "node:fs";
import { checkBinary, readElf, readGoBuildInfo } from "../elf/index.js";

export interface VerifyOptions {
  readonly arch?: string;
  readonly static?: boolean;
  readonly json?: boolean;
}

/** Prints the report; returns the exit code (1 when an expectation fails). */
export function verifyFile(path: string, opts: VerifyOptions, out: (s: string) => void): number {
  const bytes = readFileSync(path);
  const elf = readElf(bytes);
  const info = readGoBuildInfo(bytes, elf);
  const problems = opts.arch || opts.static ? checkBinary(elf, { arch: opts.arch ?? elf.arch, static: opts.static ?? false }) : [];
  if (opts.json) {
    const report = { path, arch: elf.arch, class: elf.class, static: elf.isStatic, interpreter: elf.interpreter ?? null, needed: elf.needed, runpath: elf.runpath, go: info ?? null, problems };
    out(`${JSON.stringify(report, null, 2)}\n`);
    return problems.length > 0 ? 1 : 0;
  }
  out(`${path}: ${elf.isStatic ? "static" : "dynamic"} ${elf.arch} ELF${elf.class === 32 ? " (32-bit)" : ""}\n`);
  if (elf.interpreter) out(`  interpreter: ${elf.interpreter}\n`);
  if (elf.needed.length > 0) out(`  needs: ${elf.needed.join(", ")}\n`);
  if (info) {
    out(`  go: ${info.goVersion}, main ${info.path}${info.main ? ` (${info.main.path} ${info.main.version})` : ""}\n`);
    const settings = ["CGO_ENABLED", "-tags", "-ldflags", "-trimpath", "GOOS", "GOARCH"].filter((k) => info.settings[k] !== undefined);
    if (settings.length > 0) out(`  build: ${settings.map((k) => `${k}=${info.settings[k]}`).join(" ")}\n`);
    out(`  modules: ${info.deps.length}\n`);
  }
  for (const p of problems) out(`  problem: ${p}\n`);
  return problems.length > 0 ? 1 : 0;
}
