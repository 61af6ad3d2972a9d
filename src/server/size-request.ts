/**
 * `docker buildx build --call size`: builds the binaries, then answers with
 * bytes per module and package of each, and what every file of the final
 * image costs, without exporting an image.
 */
import { formatSizeReport } from "../elf/index.js";
import type { Gateway, ResultInit } from "../gateway/llb-bridge.js";
import { GatewayReplyError } from "../gateway/reply-errors.js";
import { platformId } from "../graph/go-env.js";
import { binaryPath } from "../graph/image-config.js";
import type { Plan, Platform } from "../plan/types.js";
import { type ImageFileEntry, formatImageSummary, summariseImage } from "../report/image-summary.js";
import type { Verified } from "./verify.js";

const MODE_DIR = 0x80000000;
const MODE_SYMLINK = 0x08000000;

/** Bounds of the walk, far beyond any real image: a daemon answering with a directory inside itself must not walk us for ever. */
const MAX_DEPTH = 512;
const MAX_FILES = 1_000_000;

/** Every path of a solved filesystem, walked through the gateway's ReadDir. */
async function listFiles(gw: Gateway, ref: string): Promise<Map<string, ImageFileEntry>> {
  const files = new Map<string, ImageFileEntry>();
  const walk = async (dir: string, depth = 0): Promise<void> => {
    if (depth > MAX_DEPTH) throw new GatewayReplyError("ReadDir", `nests directories deeper than ${MAX_DEPTH} levels (at ${dir.slice(0, 80)}…)`);
    const entries = await gw.readDirStats(ref, dir);
    if (files.size + entries.length > MAX_FILES) throw new GatewayReplyError("ReadDir", `lists more than ${MAX_FILES} files in the image`);
    await Promise.all(
      entries.map(async (e) => {
        const path = `${dir === "/" ? "" : dir}/${e.path}`;
        const type = (e.mode & MODE_DIR) !== 0 ? "directory" : (e.mode & MODE_SYMLINK) !== 0 ? "symlink" : "file";
        files.set(path, { path, type, bytes: type === "file" ? e.size : 0 });
        if (type === "directory") await walk(path, depth + 1);
      }),
    );
  };
  await walk("/");
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The answer: one report per binary and platform, then each platform image's files. */
export async function sizeResult(
  gw: Gateway,
  plan: Plan,
  images: ReadonlyArray<{ platform: Platform; ref: string }>,
  verified: readonly Verified[],
): Promise<ResultInit> {
  const text: string[] = [];
  const json: unknown[] = [];
  for (const v of verified) {
    if (v.attribution === undefined) continue;
    text.push(`${v.bin.binaryName} for ${platformId(v.platform)}:`, formatSizeReport(v.attribution, { top: 10 }));
    json.push({ binary: v.bin.binaryName, platform: platformId(v.platform), report: v.attribution });
  }
  const imageJson: unknown[] = [];
  for (const img of images) {
    const files = await listFiles(gw, img.ref);
    const summary = summariseImage({ entrypoint: [binaryPath(plan)], cmd: [], files }, { path: binaryPath(plan) });
    text.push(formatImageSummary(summary, `${plan.target ?? plan.binaryName} ${platformId(img.platform)}`, 10));
    imageJson.push({ platform: platformId(img.platform), ...summary });
  }
  const enc = new TextEncoder();
  return {
    metadata: {
      "result.json": enc.encode(JSON.stringify({ binaries: json, images: imageJson }, null, 2)),
      "result.txt": enc.encode(`${text.join("\n")}\n`),
      version: enc.encode("1.0.0"),
    },
  };
}
