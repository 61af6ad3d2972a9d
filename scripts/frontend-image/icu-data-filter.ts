/**
 * Filters the ICU data library Debian's node loads (libicudata.so.<n>) in place: items not kept leave the
 * package's table of contents and their bytes are zeroed. The file keeps its size and layout, so the
 * dynamic loader sees the same library, and the zeroed bytes cost nothing once a layer is compressed.
 * The frontend formats no dates, numbers or locale text, so it needs almost none of the ~33 MB of data.
 */
import { readElf } from "../../src/elf/index.js";

/** Item names as kept, without the icudt<n><endianness>/ prefix; `*` matches within one name part. */
export function keepPatterns(text: string): RegExp[] {
  return text
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter((l) => l !== "")
    .map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`));
}

export interface IcuItem {
  readonly name: string;
  readonly nameOffset: number;
  readonly dataOffset: number;
}

/** Keeps the items of the ICU library's data package (its `.rodata`) that match `keep`; see filterIcuPackage. */
export function filterIcuData(lib: Uint8Array, keep: readonly RegExp[], where: string): { kept: number; of: number } {
  const rodata = readElf(lib).sections.find((s) => s.name === ".rodata");
  if (!rodata) throw new Error(`${where}: no .rodata section, so no ICU data`);
  return filterIcuPackage(Buffer.from(lib.buffer, lib.byteOffset + rodata.offset, rodata.size), keep, where);
}

/** An ICU common data package's table of contents (the bytes after its header) and items. */
export function icuPackage(data: Buffer, where: string): { toc: Buffer; items: IcuItem[] } {
  // The header: its size, then 0xda 0x27, then a UDataInfo whose format is "CmnD".
  if (data[2] !== 0xda || data[3] !== 0x27 || data.toString("latin1", 12, 16) !== "CmnD") throw new Error(`${where}: not an ICU common data package`);
  // The table: a count, then (name offset, data offset) pairs counted from the table's start, sorted by name.
  const toc = data.subarray(data.readUInt16LE(0));
  const count = toc.readUInt32LE(0);
  const items: IcuItem[] = [];
  for (let i = 0; i < count; i++) {
    const nameOffset = toc.readUInt32LE(4 + 8 * i);
    items.push({ name: toc.toString("latin1", nameOffset, toc.indexOf(0, nameOffset)), nameOffset, dataOffset: toc.readUInt32LE(8 + 8 * i) });
  }
  return { toc, items };
}

/** Keeps the items matching `keep` and zeroes the others, in place; throws naming a pattern that matches nothing. */
export function filterIcuPackage(data: Buffer, keep: readonly RegExp[], where: string): { kept: number; of: number } {
  const { toc, items } = icuPackage(data, where);
  const bare = (item: IcuItem) => item.name.replace(/^icudt\d+[lb]\//, "");
  const unmatched = keep.filter((re) => !items.some((item) => re.test(bare(item))));
  if (unmatched.length > 0) throw new Error(`${where}: no ICU item matches ${unmatched.map((re) => re.source).join(", ")}`);
  const kept = items.filter((item) => keep.some((re) => re.test(bare(item))));
  // An item ends where the next one in data order starts, the last one at the end of the package.
  const starts = items.map((item) => item.dataOffset).sort((a, b) => a - b);
  const endOf = (start: number) => starts.find((s) => s > start) ?? toc.length;
  for (const item of items) {
    if (kept.includes(item)) continue;
    toc.fill(0, item.dataOffset, endOf(item.dataOffset));
    toc.fill(0, item.nameOffset, toc.indexOf(0, item.nameOffset));
  }
  toc.writeUInt32LE(kept.length, 0);
  kept.forEach((item, i) => {
    toc.writeUInt32LE(item.nameOffset, 4 + 8 * i);
    toc.writeUInt32LE(item.dataOffset, 8 + 8 * i);
  });
  toc.fill(0, 4 + 8 * kept.length, 4 + 8 * items.length);
  return { kept: kept.length, of: items.length };
}
