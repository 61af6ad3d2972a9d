import assert from "node:assert/strict";
import { test } from "node:test";
import { filterIcuPackage, icuPackage, keepPatterns } from "../../../scripts/frontend-image/icu-data-filter.js";

const HEADER_SIZE = 32;

/** An ICU common data package as ICU lays it out: header, table of (name, data) offsets, names, items. */
function icuData(items: Record<string, string>): Buffer {
  const names = Object.keys(items).sort();
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt16LE(HEADER_SIZE, 0);
  header[2] = 0xda;
  header[3] = 0x27;
  header.write("CmnD", 12, "latin1");
  const tableSize = 4 + 8 * names.length;
  const nameBytes = Buffer.concat(names.map((n) => Buffer.from(`icudt78l/${n}\0`, "latin1")));
  const toc = Buffer.alloc(tableSize);
  toc.writeUInt32LE(names.length, 0);
  let nameAt = tableSize;
  let dataAt = tableSize + nameBytes.length;
  const bodies: Buffer[] = [];
  names.forEach((n, i) => {
    toc.writeUInt32LE(nameAt, 4 + 8 * i);
    toc.writeUInt32LE(dataAt, 8 + 8 * i);
    nameAt += `icudt78l/${n}\0`.length;
    const body = Buffer.from(items[n] as string, "latin1");
    bodies.push(body);
    dataAt += body.length;
  });
  return Buffer.concat([header, toc, nameBytes, ...bodies]);
}

test("kept items stay where they were and are all the table lists; the others are zeroed", () => {
  const data = icuData({ "root.res": "ROOT", "de.res": "GERMAN", "zone/en.res": "ZONE-EN", "zone/fr.res": "ZONE-FR" });
  const result = filterIcuPackage(data, keepPatterns("root.res\n*/en.res  # every tree's English\n"), "test");
  assert.deepEqual(result, { kept: 2, of: 4 });
  const { items } = icuPackage(data, "test");
  assert.deepEqual(items.map((i) => i.name), ["icudt78l/root.res", "icudt78l/zone/en.res"]);
  const text = data.toString("latin1");
  assert.ok(text.includes("ROOT") && text.includes("ZONE-EN"));
  assert.ok(!text.includes("GERMAN") && !text.includes("ZONE-FR") && !text.includes("de.res") && !text.includes("fr.res"));
  assert.equal(data.length, icuData({ "root.res": "ROOT", "de.res": "GERMAN", "zone/en.res": "ZONE-EN", "zone/fr.res": "ZONE-FR" }).length);
});

test("a keep pattern that matches no item is named, and nothing is changed", () => {
  const data = icuData({ "root.res": "ROOT" });
  const before = Buffer.from(data);
  assert.throws(() => filterIcuPackage(data, keepPatterns("root.res\nen_GB.res\n"), "libicudata.so.78"), /libicudata\.so\.78: no ICU item matches \^en_GB\\\.res\$/);
  assert.deepEqual(data, before);
});

test("`*` stays within one part of a name", () => {
  const [re] = keepPatterns("*/en.res");
  assert.ok(re?.test("zone/en.res"));
  assert.ok(!re?.test("en.res"));
  assert.ok(!re?.test("a/b/en.res"));
});

test("bytes that are not ICU common data are refused", () => {
  assert.throws(() => icuPackage(Buffer.alloc(64), "x.so"), /x\.so: not an ICU common data package/);
});
