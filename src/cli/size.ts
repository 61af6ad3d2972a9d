/** `slimgo size FILE | --image REF`: bytes per module and package of a Go binary, and what else an image holds. */
import { readFile } from "node:fs/promises";
import { ElfError, type SizeReport, formatSizeReport, sizeReport } from "../elf/index.js";
import { formatImageSummary, summariseImage } from "../report/image-summary.js";
import { ImageArchiveError, ImageError, dockerSave, entrypointBinary } from "./image-files.js";

export interface SizeOptions {
  readonly image?: string;
  readonly json?: boolean;
  readonly top?: number;
  /** A tree instead of tables; the caller decides (on a terminal). */
  readonly tree?: boolean;
  readonly colour?: boolean;
}

/** Runs the command; 0 when the report was made, 1 when the file or image cannot be read or attributed. */
export async function sizeCommand(file: string | undefined, opts: SizeOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const top = opts.top ?? 10;
  try {
    if (opts.image !== undefined) {
      const image = await dockerSave(opts.image);
      const binary = entrypointBinary(image);
      const summary = summariseImage(image, binary);
      const bytes = await image.read(binary);
      // The files are worth showing even when the entrypoint is not a Go binary (a shell, a script).
      let report: SizeReport | undefined;
      let problem: string | undefined;
      try {
        report = sizeReport(bytes);
      } catch (e) {
        if (!(e instanceof ElfError)) throw e;
        problem = `${opts.image}: ${binary.path}: ${e.message}`;
      }
      if (opts.json) out(`${JSON.stringify({ image: opts.image, ...summary, binaryReport: report ?? null, ...(problem ? { problem } : {}) }, null, 2)}\n`);
      else out(`${formatImageSummary(summary, opts.image, top)}${report ? `\n${formatSizeReport(report, { top, tree: opts.tree ?? false, colour: opts.colour ?? false })}` : ""}`);
      if (problem) err(`${problem}\n`);
      return problem ? 1 : 0;
    }
    if (file === undefined) throw new Error("unreachable: main checks FILE");
    const report: SizeReport = sizeReport(await readFile(file));
    out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatSizeReport(report, { top, tree: opts.tree ?? false, colour: opts.colour ?? false }));
    return 0;
  } catch (e) {
    if (e instanceof ImageArchiveError) {
      // It names the archive itself.
      err(`${e.message}\n`);
      return 1;
    }
    if (e instanceof ElfError || e instanceof ImageError) {
      err(`${opts.image ?? file}: ${e.message}\n`);
      return 1;
    }
    if (e instanceof Error && (e as NodeJS.ErrnoException).code === "ENOENT") {
      err(`slimgo: ${file}: no such file\n`);
      return 1;
    }
    throw e;
  }
}
