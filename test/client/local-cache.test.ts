/** Local cache flags as BuildKit's Go client sends them: absolute paths, store ids, a tag looked up in index.json, a missing cache skipped. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { buildInputs, solveFlags } from "../../src/client/frontend-attrs.js";
import { localCaches } from "../../src/client/local-cache.js";
import { parseBuildFlags } from "../../src/cli/build-flags.js";
import { putManifest } from "../../src/session/oci-layout.js";

const cwd = mkdtempSync(join(tmpdir(), "slimgo-local-cache-"));
after(() => rmSync(cwd, { recursive: true, force: true }));

/** A cache directory whose index.json names a manifest blob under `tag`. */
async function cacheWith(name: string, tag: string): Promise<string> {
  const body = Buffer.from(`manifest of ${name}`);
  const digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
  mkdirSync(join(cwd, name, "blobs", "sha256"), { recursive: true });
  writeFileSync(join(cwd, name, "blobs", "sha256", digest.slice(7)), body);
  await putManifest(join(cwd, name), { mediaType: "application/vnd.oci.image.manifest.v1+json", digest, size: body.length }, tag);
  return digest;
}

const plan = (args: string[]) => localCaches(parseBuildFlags(args).options, cwd);

test("--cache-to: the path made absolute, the store served under local:PATH, the tag kept (default latest)", async () => {
  const p = await plan(["--cache-to", "type=local,dest=out,mode=max", "--cache-to", "type=local,dest=/abs/c,tag=v2", "--cache-to", "type=registry,ref=r/c"]);
  assert.deepEqual(p.options.cacheTo, [
    { type: "local", attrs: { dest: join(cwd, "out"), mode: "max" } },
    { type: "local", attrs: { dest: "/abs/c", tag: "v2" } },
    { type: "registry", attrs: { ref: "r/c" } },
  ]);
  assert.deepEqual(p.caches, [
    { id: `local:${join(cwd, "out")}`, dir: join(cwd, "out"), exportTag: "latest" },
    { id: "local:/abs/c", dir: "/abs/c", exportTag: "v2" },
  ]);
  assert.deepEqual(p.warnings, []);
});

test("--cache-from: the digest index.json records under the tag is sent, to the Solve and to the frontend", async () => {
  const latest = await cacheWith("c1", "latest");
  const v1 = await cacheWith("c2", "v1");
  const p = await plan(["--cache-from", "type=local,src=c1", "--cache-from", "type=local,src=c2,tag=v1"]);
  assert.deepEqual(p.options.cacheFrom, [
    { type: "local", attrs: { src: join(cwd, "c1"), digest: latest } },
    { type: "local", attrs: { src: join(cwd, "c2"), tag: "v1", digest: v1 } },
  ]);
  assert.deepEqual(solveFlags(p.options).cacheImports, p.options.cacheFrom);
  assert.match(buildInputs(p.options, cwd).attrs.get("cache-imports") ?? "", new RegExp(`"digest":"${latest}"`));
  assert.deepEqual(p.caches.map((c) => c.exportTag), [undefined, undefined]);
});

test("a cache that is not there is skipped with a warning naming why; a bad digest= is refused", async () => {
  await cacheWith("c3", "latest");
  const p = await plan([
    "--cache-from", "type=local,src=missing",
    "--cache-from", "type=local,src=c3,tag=nope",
    "--cache-from", `type=local,src=c3,digest=sha256:${"0".repeat(64)}`,
  ]);
  assert.deepEqual(p.options.cacheFrom, []);
  assert.equal(p.warnings.length, 3);
  assert.match(p.warnings[0]!, /^--cache-from type=local,src=missing: no cache in .*missing \(no index.json\): building without it$/);
  assert.match(p.warnings[1]!, /has no cache tagged nope/);
  assert.match(p.warnings[2]!, /the cache manifest sha256:0+ is not in .*c3\/blobs/);
  await assert.rejects(plan(["--cache-from", "type=local,src=c3,digest=abc"]), /digest=abc is not a sha256 digest/);
  writeFileSync(join(cwd, "file"), "");
  await assert.rejects(plan(["--cache-to", "type=local,dest=file"]), /--cache-to type=local,dest=file: not a directory/);
});

test("a new tag joins index.json; the same tag replaces its manifest", async () => {
  const first = await cacheWith("c4", "latest");
  const again = await cacheWith("c4", "v1");
  const p = await plan(["--cache-from", "type=local,src=c4", "--cache-from", "type=local,src=c4,tag=v1"]);
  assert.deepEqual(p.options.cacheFrom.map((c) => c.attrs["digest"]), [first, again]);
  const body = Buffer.from("replaced");
  const digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
  writeFileSync(join(cwd, "c4", "blobs", "sha256", digest.slice(7)), body);
  await putManifest(join(cwd, "c4"), { digest, size: body.length }, "latest");
  const q = await plan(["--cache-from", "type=local,src=c4"]);
  assert.equal(q.options.cacheFrom[0]?.attrs["digest"], digest);
});
