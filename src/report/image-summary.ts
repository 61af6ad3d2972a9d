/** What an image's files cost: largest files and directories, from its filesystem listing. Shared by `slimgo size --image` and `--call size`. */
import { humanBytes } from "../elf/index.js";

/** One path of an image's final filesystem. */
export interface ImageFileEntry {
  readonly path: string;
  readonly type: "file" | "symlink" | "directory" | "other";
  /** Bytes of a regular file; 0 for the rest. */
  readonly bytes: number;
  /** For a hard link: the path whose bytes it shares (stored once in the layer). */
  readonly linkOf?: string;
}

/** An image's filesystem and how it starts. */
export interface ImageFiles {
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly files: ReadonlyMap<string, ImageFileEntry>;
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
export function summariseImage(image: ImageFiles, binary: { readonly path: string }): ImageSummary {
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

