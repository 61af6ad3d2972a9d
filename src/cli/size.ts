/** `slimgo size FILE | --image REF`: bytes per module and package of a Go binary, and what else an image holds. */
import { readFile } from "node:fs/promises";
import { ElfError, type SizeReport, formatSizeReport, humanBytes, sizeReport } from "../elf/index.js";
import { ImageError, type ImageFile, type SavedImage, dockerSave, entrypointBinary } from "./image-files.js";

export interface SizeOptions {
  readonly image?: string;
  readonly json?: boolean;
  readonly top?: number;
  /** A tree instead of tables; the caller decides (on a terminal). */
  readonly tree?: boolean;
  readonly colour?: boolean;
}

/** Size of one image path, or of a directory's files all together. */
export interface ImageEntry {
  readonly path: string;
  readonly bytes: number;
  readonly files: number;
}

export interface ImageSummary {
  readonly entrypoint: readonly string[];
  readonly binary: string;
  readonly files: number;
  readonly bytes: number;
  /** Regular files, largest first; hard links count 0 bytes. */
  readonly largest: readonly ImageEntry[];
  /** Directories up to three levels deep with every file under them, largest first. */
  readonly directories: readonly ImageEntry[];
}

const DIR_DEPTH = 3;

/** What the image's files cost, from its saved filesystem; pure. */
export function summariseImage(image: SavedImage, binary: ImageFile): ImageSummary {
  // A hard link's bytes are stored once, under the path it links to.
  const regular = [...image.files.values()].filter((f) => f.type === "file").map((f) => ({ path: f.path, bytes: f.linkOf ? 0 : f.bytes }));
  const byPath = (a: ImageEntry, b: ImageEntry): number => b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const largest = regular.map((f) => ({ path: f.path, bytes: f.bytes, files: 1 })).sort(byPath);
  const dirs = new Map<string, { bytes: number; files: number }>();
  for (const f of regular) {
    const parts = f.path.split("/").slice(1, -1);
    for (let depth = 1; depth <= Math.min(DIR_DEPTH, parts.length); depth++) {
      const dir = `/${parts.slice(0, depth).join("/")}`;
      const d = dirs.get(dir) ?? { bytes: 0, files: 0 };
      d.bytes += f.bytes;
      d.files += 1;
      dirs.set(dir, d);
    }
  }
  return {
    entrypoint: image.entrypoint.length > 0 ? image.entrypoint : image.cmd,
    binary: binary.path,
    files: regular.length,
    bytes: regular.reduce((n, f) => n + f.bytes, 0),
    largest,
    directories: [...dirs].map(([path, d]) => ({ path, ...d })).sort(byPath),
  };
}

/** The image part of the text output: largest files and directories. */
export function formatImageSummary(s: ImageSummary, ref: string, top: number): string {
  const rows = (list: readonly ImageEntry[], withCount: boolean): string[] => {
    const shown = list.slice(0, top);
    const lines = shown.map((e) => `  ${humanBytes(e.bytes).padStart(9)}  ${e.path}${withCount ? ` (${e.files} files)` : ""}`);
    const rest = list.length - shown.length;
    if (rest > 0) lines.push(`  ${humanBytes(list.slice(top).reduce((n, e) => n + e.bytes, 0)).padStart(9)}  … ${rest} more`);
    return lines;
  };
  return [
    `image ${ref}: ${s.files} files, ${humanBytes(s.bytes)}; runs ${s.binary}`,
    "largest files:",
    ...rows(s.largest, false),
    "directories:",
    ...rows(
      s.directories.filter((d) => d.files > 1),
      true,
    ),
    "",
  ].join("\n");
}

/** Runs the command; 0 when the report was made, 1 when the file or image cannot be read or attributed. */
export async function sizeCommand(file: string | undefined, opts: SizeOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const top = opts.top ?? 10;
  try {
    if (opts.image !== undefined) {
      const image = await dockerSave(opts.image);
      const binary = entrypointBinary(image);
      const summary = summariseImage(image, binary);
      // The files are worth showing even when the entrypoint is not a Go binary (a shell, a script).
      let report: SizeReport | undefined;
      let problem: string | undefined;
      try {
        report = sizeReport(binary.data ?? new Uint8Array(0));
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
