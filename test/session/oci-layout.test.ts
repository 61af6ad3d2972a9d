/** index.json updates: concurrent writers under the lock keep each other's tags, a dead writer's lock is broken, a bad index is named. */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { manifestByTag, putManifest } from "../../src/session/oci-layout.js";

const root = mkdtempSync(join(tmpdir(), "slimgo-oci-layout-"));
after(() => rmSync(root, { recursive: true, force: true }));

const desc = (n: number) => ({ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: `sha256:${String(n).padStart(64, "0")}`, size: n });

test("writers at the same time each keep their tag; the same tag again replaces its manifest", async () => {
  const dir = join(root, "parallel");
  await Promise.all([1, 2, 3, 4, 5].map((n) => putManifest(dir, desc(n), `t${n}`)));
  for (const n of [1, 2, 3, 4, 5]) assert.equal((await manifestByTag(dir, `t${n}`))?.digest, desc(n).digest);
  await putManifest(dir, desc(9), "t3");
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as { schemaVersion: number; mediaType: string; manifests: unknown[] };
  assert.equal(index.schemaVersion, 2);
  assert.equal(index.mediaType, "application/vnd.oci.image.index.v1+json");
  assert.equal(index.manifests.length, 5);
  assert.equal((await manifestByTag(dir, "t3"))?.digest, desc(9).digest);
  assert.equal(existsSync(join(dir, "index.json.lock")), false);
});

test("a lock file left by a writer that died is broken; an index that is not JSON is named with the fix", async () => {
  const dir = join(root, "stale");
  mkdirSync(dir);
  writeFileSync(join(dir, "index.json.lock"), "");
  const old = new Date(Date.now() - 3600_000);
  utimesSync(join(dir, "index.json.lock"), old, old);
  await putManifest(dir, desc(1), "latest");
  assert.equal((await manifestByTag(dir, "latest"))?.digest, desc(1).digest);
  writeFileSync(join(dir, "index.json"), "{not json");
  await assert.rejects(manifestByTag(dir, "latest"), /index\.json is not an OCI index .*: remove the directory or point at another one/);
  await assert.rejects(putManifest(dir, desc(2), "latest"), /is not an OCI index/);
});

test("an image name (io.containerd.image.name) is found before a plain tag, as BuildKit looks", async () => {
  const dir = join(root, "named");
  mkdirSync(dir);
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [
    { ...desc(1), annotations: { "org.opencontainers.image.ref.name": "v1" } },
    { ...desc(2), annotations: { "io.containerd.image.name": "v1", "org.opencontainers.image.ref.name": "x" } },
  ] }));
  assert.equal((await manifestByTag(dir, "v1"))?.digest, desc(2).digest);
  assert.equal(await manifestByTag(dir, "v2"), undefined);
});
