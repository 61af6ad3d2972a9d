/**
 * index.json of a local cache directory, as BuildKit's Go client keeps it:
 * after an export the cache manifest is recorded under its tag
 * (org.opencontainers.image.ref.name, default "latest"), replacing the
 * previous one of that tag; an import looks the tag up. The file is replaced
 * by rename under a lock file, so a reader never sees half of it.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const INDEX_FILE = "index.json";
const LAYOUT_FILE = "oci-layout";
const INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
const REF_NAME = "org.opencontainers.image.ref.name";
const IMAGE_NAME = "io.containerd.image.name";
/** How long another writer may hold the lock before this one gives up. */
const LOCK_WAIT_MS = 10_000;
/** A lock file older than this was left by a process that died. */
const STALE_LOCK_MS = 60_000;

export interface Descriptor {
  readonly mediaType?: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
}

interface Index {
  readonly schemaVersion?: number;
  readonly mediaType?: string;
  readonly manifests?: readonly Descriptor[];
}

/** The manifest recorded under `tag` (the image name first, as BuildKit looks), or undefined. */
export async function manifestByTag(dir: string, tag: string): Promise<Descriptor | undefined> {
  const index = await readIndex(dir);
  const manifests = index.manifests ?? [];
  return manifests.find((m) => m.annotations?.[IMAGE_NAME] === tag) ?? manifests.find((m) => m.annotations?.[REF_NAME] === tag);
}

/** Records `desc` under `tag` in dir/index.json and writes dir/oci-layout. */
export async function putManifest(dir: string, desc: Descriptor, tag: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const unlock = await lock(join(dir, `${INDEX_FILE}.lock`));
  try {
    await writeAtomic(join(dir, LAYOUT_FILE), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    const index = await readIndex(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return {} as Index;
      throw err;
    });
    const kept = (index.manifests ?? []).filter((m) => m.annotations?.[REF_NAME] !== tag || (m.annotations?.[IMAGE_NAME] ?? "") !== "");
    const entry: Descriptor = { ...desc, annotations: { ...desc.annotations, [REF_NAME]: tag } };
    const next = { ...index, schemaVersion: index.schemaVersion || 2, mediaType: index.mediaType || INDEX_TYPE, manifests: [...kept, entry] };
    await writeAtomic(join(dir, INDEX_FILE), JSON.stringify(next));
  } finally {
    await unlock();
  }
}

async function readIndex(dir: string): Promise<Index> {
  const path = join(dir, INDEX_FILE);
  const text = await readFile(path, "utf8");
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
    return parsed as Index;
  } catch (err) {
    throw new Error(`${path} is not an OCI index (${(err as Error).message}): remove the directory or point at another one`);
  }
}

async function writeAtomic(path: string, body: string): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temp, body, { mode: 0o644 });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** An exclusive lock file beside index.json; waits for another holder, breaks one left by a dead process. */
async function lock(path: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fh = await open(path, "wx");
      await fh.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > STALE_LOCK_MS) {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`${path} is held by another build: wait for it, or remove the file if no build is running`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
