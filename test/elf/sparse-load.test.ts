import assert from "node:assert/strict";
import { test } from "node:test";
import { loadForInspection, readElf, readGoBuildInfo } from "../../src/elf/index.js";
import { goBuildAll, writeSources } from "./go-fixtures.js";

test("a binary checked from its headers and small sections reads the same as the whole file, from a fraction of it", async () => {
  const sources = writeSources();
  let whole: Uint8Array;
  try {
    // The unstripped binary: over the size below which files are read whole.
    const built = await goBuildAll(sources.dir, { app: { module: "app", env: { GOARCH: "amd64", CGO_ENABLED: "0" } } });
    whole = built.get("app")?.bytes ?? new Uint8Array();
  } finally {
    sources.dispose();
  }
  let read = 0;
  const { bytes, whole: complete } = await loadForInspection(whole.length, async (offset, length) => {
    read += length;
    return whole.subarray(offset, offset + length);
  });
  assert.equal(complete, false);
  assert.deepEqual(readElf(bytes), readElf(whole));
  assert.deepEqual(readGoBuildInfo(bytes, readElf(bytes)), readGoBuildInfo(whole, readElf(whole)));
  assert.ok(read < whole.length / 3, `read ${read} of ${whole.length} bytes`);
});

test("a small file is read whole", async () => {
  const file = new Uint8Array(1000).fill(7);
  const { bytes, whole } = await loadForInspection(file.length, async (o, l) => file.subarray(o, o + l));
  assert.equal(whole, true);
  assert.deepEqual(bytes, file);
});
