/** What `docker buildx imagetools inspect` shows of a pushed multi-platform image. */
import assert from "node:assert/strict";
import { run } from "../docker.js";

/** The platforms of the OCI index at `ref`, sorted; fails unless it is an index. */
export async function indexPlatforms(ref: string): Promise<string[]> {
  const res = await run("docker", ["buildx", "imagetools", "inspect", ref], { timeoutMs: 60_000 });
  assert.equal(res.code, 0, `imagetools inspect ${ref}: ${res.stderr}`);
  assert.match(res.stdout, /MediaType:\s+application\/vnd\.oci\.image\.index\.v1\+json/, res.stdout);
  return [...res.stdout.matchAll(/Platform:\s+(linux\/\w+)/g)].map((m) => m[1]!).sort();
}
