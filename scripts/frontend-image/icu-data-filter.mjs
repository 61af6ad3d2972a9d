// Filters the ICU data library that Debian's node loads (libicudata.so.<n>), in place: items not kept are
// dropped from the package's table of contents and their bytes zeroed. The file keeps its size and layout, so
// the dynamic loader sees the same library; the zeroed bytes cost nothing once a layer is compressed.
// The frontend formats no dates, numbers or locale text, so it needs almost none of the ~33 MB of data.
// Plain JavaScript with no imports but node's own: it runs on the image's node in a Dockerfile stage.
// Usage: node icu-data-filter.mjs LIBICUDATA --list | --keep KEEP_FILE
// KEEP_FILE: one item name a line, without the icudt<n><endianness>/ prefix; `*` matches within a name part.
import { readFileSync, writeFileSync } from "node:fs";

const [path, ...rest] = process.argv.slice(2);
const list = rest[0] === "--list";
if (!path || !(list || (rest[0] === "--keep" && rest[1]))) fail("usage: icu-data-filter.mjs LIBICUDATA --list | --keep KEEP_FILE");
const patterns = list ? [] : keepPatterns(rest[1]);
const file = readFileSync(path);
const { offset, size } = rodata(file);
const data = file.subarray(offset, offset + size);

// ICU common data: a header (its size in the first two bytes, then 0xda 0x27), then the table of contents:
// a count and count pairs of (name offset, data offset), both counted from the table's start, names sorted.
if (data[2] !== 0xda || data[3] !== 0x27) fail(`${path}: .rodata does not start with ICU common data`);
const headerSize = data.readUInt16LE(0);
if (data.toString("latin1", 12, 16) !== "CmnD") fail(`${path}: not an ICU common data package (CmnD)`);
const toc = data.subarray(headerSize);
const count = toc.readUInt32LE(0);
const entries = [];
for (let i = 0; i < count; i++) {
  const nameOffset = toc.readUInt32LE(4 + 8 * i);
  const dataOffset = toc.readUInt32LE(8 + 8 * i);
  const end = toc.indexOf(0, nameOffset);
  entries.push({ name: toc.toString("latin1", nameOffset, end), nameOffset, dataOffset });
}
if (list) {
  for (const e of entries) console.log(e.name);
  process.exit(0);
}
// An item ends where the next one (in data order) starts; the last one at the end of the package.
const starts = entries.map((e) => e.dataOffset).sort((a, b) => a - b);
const endOf = (start) => starts.find((s) => s > start) ?? toc.length;
const bare = (e) => e.name.replace(/^icudt\d+[lb]\//, "");
const kept = entries.filter((e) => patterns.some((p) => p.re.test(bare(e))));
const unmatched = patterns.filter((p) => !entries.some((e) => p.re.test(bare(e))));
if (unmatched.length > 0) fail(`${rest[1]}: no ICU item matches ${unmatched.map((p) => p.text).join(", ")} (--list shows them)`);
for (const e of entries) if (!kept.includes(e)) toc.fill(0, e.dataOffset, endOf(e.dataOffset));
toc.writeUInt32LE(kept.length, 0);
const names = new Set(kept.map((e) => e.nameOffset));
kept.forEach((e, i) => {
  toc.writeUInt32LE(e.nameOffset, 4 + 8 * i);
  toc.writeUInt32LE(e.dataOffset, 8 + 8 * i);
});
toc.fill(0, 4 + 8 * kept.length, 4 + 8 * count);
// The names of dropped items go too; kept names stay where their entries point.
for (const e of entries) if (!names.has(e.nameOffset)) toc.fill(0, e.nameOffset, toc.indexOf(0, e.nameOffset));
writeFileSync(path, file);
console.log(`${path}: kept ${kept.length} of ${count} ICU items`);

function keepPatterns(file) {
  return readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter((l) => l !== "")
    .map((text) => ({ text, re: new RegExp(`^${text.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`) }));
}

/** The .rodata section of a little-endian ELF64 file, which holds the data package. */
function rodata(buf) {
  if (buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) fail(`${path}: not a little-endian ELF64 file`);
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const shstrndx = buf.readUInt16LE(0x3e);
  const section = (i) => {
    const at = shoff + i * shentsize;
    return { name: buf.readUInt32LE(at), offset: Number(buf.readBigUInt64LE(at + 0x18)), size: Number(buf.readBigUInt64LE(at + 0x20)) };
  };
  const strtab = section(shstrndx);
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    const at = strtab.offset + s.name;
    if (buf.toString("latin1", at, buf.indexOf(0, at)) === ".rodata") return s;
  }
  fail(`${path}: no .rodata section`);
}

function fail(message) {
  console.error(`icu-data-filter: ${message}`);
  process.exit(1);
}
