/** Compare a value with its JSON golden file; UPDATE_GOLDEN=1 rewrites the file instead. */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const GOLDEN_ROOT = fileURLToPath(new URL("../golden/", import.meta.url));

/** Asserts `value` serialises exactly to test/golden/<name>.json. */
export function assertGolden(name: string, value: unknown): void {
  const path = `${GOLDEN_ROOT}${name}.json`;
  const actual = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env["UPDATE_GOLDEN"] === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, "utf8");
  } catch {
    assert.fail(`no golden file ${path}: create it with UPDATE_GOLDEN=1`);
  }
  assert.equal(actual, expected, `output differs from ${path}; if the change is intended, rerun with UPDATE_GOLDEN=1 and review the diff`);
}
