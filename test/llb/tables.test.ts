/**
 * Normalisation tables written by test/llb-oracle from BuildKit's client/llb:
 * the identifier each image reference becomes (or that Go rejects it), and
 * the platform on an image op and on an exec built on it.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { image, LlbError, marshal, type Platform } from "../../src/llb/index.js";
import { amd64, ops, sources } from "./helpers.js";

const TABLES = new URL("../golden/llb/tables/", import.meta.url);

function table<T>(name: string): T[] {
  return JSON.parse(readFileSync(new URL(name, TABLES), "utf8")) as T[];
}

interface RefRow {
  readonly ref: string;
  readonly identifier?: string;
  readonly error?: string;
}

interface GoPlatform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

interface PlatformRow {
  readonly in: GoPlatform;
  readonly op: GoPlatform;
  readonly exec: GoPlatform;
}

const refs = table<RefRow>("image-references.json");

test("image reference table is non-trivial", () => {
  assert.ok(refs.filter((r) => r.identifier).length >= 15);
  assert.ok(refs.filter((r) => r.error).length >= 10);
});

for (const row of refs) {
  test(`image(${JSON.stringify(row.ref)}) → ${row.identifier ?? `error: ${row.error}`}`, () => {
    if (row.identifier !== undefined) {
      const [src] = sources(marshal(image(row.ref), { platform: amd64 }));
      assert.equal(src?.identifier, row.identifier);
    } else {
      assert.throws(() => image(row.ref), LlbError);
    }
  });
}

test("platforms: verbatim on the image op, normalised on the exec", () => {
  const rows = table<PlatformRow>("platforms.json");
  assert.ok(rows.length >= 10);
  const pb = (p: { OS: string; Architecture: string; Variant: string } | undefined) =>
    p && { os: p.OS, architecture: p.Architecture, ...(p.Variant ? { variant: p.Variant } : {}) };
  for (const row of rows) {
    const platform: Platform = row.in;
    const def = marshal(image("alpine", { platform }).run({ args: ["true"] }).root(), { platform: amd64 });
    const [src, exec] = ops(def);
    assert.deepEqual(pb(src?.platform), row.op, `op platform for ${JSON.stringify(row.in)}`);
    assert.deepEqual(pb(exec?.platform), row.exec, `exec platform for ${JSON.stringify(row.in)}`);
  }
});
