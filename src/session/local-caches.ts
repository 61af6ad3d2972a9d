/**
 * The local cache directories of one build: a content store per directory,
 * served under the id BuildKit is sent ("local:" + path), and after a
 * successful build the new blobs moved in and the cache manifest recorded in
 * index.json under each export's tag.
 */
import { contentService } from "./content.js";
import { LocalContentStore } from "./content-store.js";
import type { ServedMethod } from "./grpc-service.js";
import { type Descriptor, putManifest } from "./oci-layout.js";

export interface LocalCacheSpec {
  /** The store id BuildKit asks for: "local:" + the dest or src attribute as sent. */
  readonly id: string;
  readonly dir: string;
  /** For `--cache-to`: the tag index.json records the manifest under; absent for `--cache-from`. */
  readonly exportTag?: string;
}

/** The exporter response key of the cache manifest's descriptor (JSON). */
const MANIFEST_KEY = "cache.manifest";

export class LocalCaches {
  private readonly stores = new Map<string, LocalContentStore>();
  private readonly tags = new Map<string, Set<string>>();

  constructor(specs: readonly LocalCacheSpec[]) {
    // The same directory as --cache-from and --cache-to is one store, written to.
    for (const s of specs) {
      const writable = specs.some((o) => o.id === s.id && o.exportTag !== undefined);
      if (!this.stores.has(s.id)) this.stores.set(s.id, new LocalContentStore(s.dir, writable));
      if (s.exportTag !== undefined) this.tags.set(s.id, (this.tags.get(s.id) ?? new Set()).add(s.exportTag));
    }
  }

  methods(): ServedMethod[] {
    return this.stores.size > 0 ? contentService(this.stores) : [];
  }

  /** The build succeeded: blobs move in, then index.json names the manifest (so it never names a missing blob). */
  async commit(response: Readonly<Record<string, string>>): Promise<void> {
    const raw = response[MANIFEST_KEY];
    const manifest = raw === undefined ? undefined : parseDescriptor(raw);
    for (const [id, store] of this.stores) {
      if (!store.writable) continue;
      try {
        await store.commit();
        if (manifest !== undefined) for (const tag of this.tags.get(id) ?? []) await putManifest(store.dir, manifest, tag);
      } catch (err) {
        throw new Error(`--cache-to type=local,dest=${store.dir}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  async discard(): Promise<void> {
    for (const store of this.stores.values()) await store.discard();
  }
}

function parseDescriptor(raw: string): Descriptor {
  const d = JSON.parse(raw) as Partial<Descriptor>;
  if (typeof d.digest !== "string" || typeof d.size !== "number") throw new Error(`BuildKit sent a cache manifest without digest and size: ${raw.slice(0, 200)}`);
  return d as Descriptor;
}
