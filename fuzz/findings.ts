/** Findings grouped by key, one reproducer file each, and the one-line summary printed for each. */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Hit } from "./campaign.js";
import type { Finding, FindingKind } from "./oracle.js";

/** All hits of one key. */
export interface Distinct {
  readonly key: string;
  readonly kind: FindingKind;
  readonly target: string;
  /** The first hit, whose input is the reproducer. */
  first: Hit;
  hits: number;
  /** A few inputs that hit it, for the report. */
  readonly indices: number[];
  /** Saved reproducer, relative to the repository. */
  file?: string;
  /** Bytes of the reproducer, after shrinking. */
  bytes?: number;
  /** Bytes before shrinking. */
  originalBytes?: number;
}

/** Group hits by key, in the order first found (by input index). */
export function groupHits(hits: readonly Hit[]): Distinct[] {
  const byKey = new Map<string, Distinct>();
  for (const hit of hits) {
    const d = byKey.get(hit.finding.key);
    if (d === undefined) {
      byKey.set(hit.finding.key, { key: hit.finding.key, kind: hit.finding.kind, target: hit.finding.target, first: hit, hits: 1, indices: [hit.index] });
      continue;
    }
    d.hits++;
    if (hit.index >= 0 && (d.first.index < 0 || hit.index < d.first.index)) d.first = hit;
    if (hit.index >= 0 && d.indices.length < 5) d.indices.push(hit.index);
  }
  return [...byKey.values()].sort((a, b) => a.first.index - b.first.index);
}

export function keyHash(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 10);
}

/** Write the reproducer and a JSON note beside it (<name>.note.json); returns the reproducer's path relative to root. */
export function saveReproducer(root: string, dir: string, d: Distinct, ext: string, bytes: Uint8Array, seed: string): string {
  mkdirSync(dir, { recursive: true });
  const base = `${d.target}-${d.kind}-${keyHash(d.key)}`;
  const file = join(dir, `${base}.${ext}`);
  writeFileSync(file, bytes);
  const f: Finding = d.first.finding;
  const note = {
    target: d.target,
    kind: d.kind,
    key: d.key,
    summary: f.summary,
    family: f.family,
    seed,
    index: d.first.index,
    hits: d.hits,
    bytes: bytes.length,
    ...(d.originalBytes !== undefined ? { originalBytes: d.originalBytes } : {}),
    ...(f.ms !== undefined ? { ms: Math.round(f.ms) } : {}),
    ...(f.mb !== undefined ? { mb: f.mb } : {}),
    ...(f.error ? { error: { name: f.error.name, message: f.error.message, ...(f.error.code ? { code: f.error.code } : {}), frames: f.error.frames.slice(0, 12) } } : {}),
    replay: `node --import tsx fuzz/run.ts --replay ${relative(root, file)}`,
  };
  writeFileSync(join(dir, `${base}.note.json`), `${JSON.stringify(note, null, 2)}\n`);
  return relative(root, file);
}

/** `spec crash RangeError: … at fn (src/x.ts:1) [input #12, alias-cycle, 14 B, 57 hits] → fuzz/findings/…`. */
export function findingLine(d: Distinct): string {
  const f = d.first.finding;
  const size = d.bytes === undefined ? "" : `, ${d.bytes} B${d.originalBytes !== undefined && d.originalBytes !== d.bytes ? ` (from ${d.originalBytes})` : ""}`;
  return `  ✗ ${d.target} ${f.summary} [input #${d.first.index}, ${f.family}${size}, ${d.hits} hit${d.hits === 1 ? "" : "s"}]${d.file ? ` → ${d.file}` : ""}`;
}
