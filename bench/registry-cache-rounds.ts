/**
 * The "fresh builder + registry cache" scenario for a set of runners: each
 * round builds a one-line change on the engine's builder exporting a registry
 * cache, makes another change, and builds it on a new fresh builder from that
 * cache. All runners of a round share the fresh builder.
 */
import type { FreshBuilder } from "./fresh-builder.js";
import type { Runner, Sample } from "./runners.js";

export interface RegistryCacheRounds {
  readonly rounds: number;
  /** A one-line change to the source. */
  change(): void;
  startFreshBuilder(): Promise<FreshBuilder>;
  /** Prefixes the progress lines, e.g. "nats-server: ". */
  readonly label: string;
}

/** Per runner: its fresh builds and the cache exports before them, or why it has no registry cache. */
export async function registryCacheRounds(runners: readonly Runner[], o: RegistryCacheRounds): Promise<Map<Runner, { samples: Sample[]; exports: number[] } | string>> {
  const out = new Map<Runner, { samples: Sample[]; exports: number[] } | string>();
  const cached: Array<[Runner, Exclude<Runner["registryCache"], string>, { samples: Sample[]; exports: number[] }]> = [];
  for (const r of runners) {
    if (typeof r.registryCache === "string") {
      out.set(r, r.registryCache);
      continue;
    }
    const result = { samples: [], exports: [] };
    out.set(r, result);
    cached.push([r, r.registryCache, result]);
  }
  for (let round = 0; round < o.rounds && cached.length > 0; round++) {
    process.stderr.write(`bench: ${o.label}fresh builders with a registry cache, round ${round + 1}\n`);
    o.change();
    for (const [, cache, result] of cached) result.exports.push((await cache.exportCache()).seconds);
    o.change();
    const fresh = await o.startFreshBuilder();
    try {
      for (const [, cache, result] of cached) result.samples.push(await cache.buildFrom(fresh.name));
    } finally {
      await fresh.stop();
    }
  }
  return out;
}
