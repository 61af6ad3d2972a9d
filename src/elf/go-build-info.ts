/** The Go build info every module-aware binary carries (what `go version -m` prints), read from the file itself. */
import { ElfError } from "./elf-error.js";
import { type ElfInfo, vaddrToOffset } from "./read-elf.js";
import { ByteReader } from "./reader.js";

export interface GoModule {
  readonly path: string;
  readonly version: string;
  readonly sum: string;
  readonly replace?: GoModule;
}

export interface GoBuildInfo {
  readonly goVersion: string;
  /** The main package's import path. */
  readonly path: string;
  readonly main: GoModule | undefined;
  readonly deps: readonly GoModule[];
  /** `build` lines: CGO_ENABLED, -trimpath, -tags, -ldflags, GOARCH, GOOS, GOAMD64, vcs.* … */
  readonly settings: Readonly<Record<string, string>>;
}

const MAGIC = Uint8Array.from([0xff, ...new TextEncoder().encode(" Go buildinf:")]);
const FLAG_BIG_ENDIAN = 1;
const FLAG_INLINE_STRINGS = 2;

/** undefined when the binary has no Go build info (not Go, or built before modules). */
export function readGoBuildInfo(bytes: Uint8Array, elf: ElfInfo): GoBuildInfo | undefined {
  const at = findHeader(bytes, elf);
  if (at === undefined) return undefined;
  const r = new ByteReader(bytes, true, true);
  r.need(at, 32, "Go build info header");
  const ptrSize = r.u8(at + 14);
  const flags = r.u8(at + 15);
  let version: string;
  let modinfo: string;
  if (flags & FLAG_INLINE_STRINGS) {
    let p = at + 32;
    [version, p] = varintString(r, p);
    [modinfo] = varintString(r, p);
  } else {
    if (ptrSize !== 4 && ptrSize !== 8) throw new ElfError(`corrupt Go build info: pointer size ${ptrSize}`);
    const pr = new ByteReader(bytes, !(flags & FLAG_BIG_ENDIAN), ptrSize === 8);
    version = pointerString(pr, elf, pr.word(at + 16));
    modinfo = pointerString(pr, elf, pr.word(at + 16 + ptrSize));
  }
  return { goVersion: version, ...parseModinfo(stripSentinels(modinfo)) };
}

function findHeader(bytes: Uint8Array, elf: ElfInfo): number | undefined {
  const section = elf.sections.find((s) => s.name === ".go.buildinfo");
  if (section && matches(bytes, section.offset)) return section.offset;
  // Stripped of section headers: the header is 16-byte aligned in a loaded segment.
  for (const seg of elf.segments) {
    if (seg.type !== 1) continue;
    const start = seg.offset + ((16 - (seg.offset % 16)) % 16);
    for (let o = start; o + 32 <= seg.offset + seg.filesz && o + 32 <= bytes.length; o += 16) if (matches(bytes, o)) return o;
  }
  return undefined;
}

function matches(bytes: Uint8Array, at: number): boolean {
  if (at + MAGIC.length > bytes.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[at + i] !== MAGIC[i]) return false;
  return true;
}

function varintString(r: ByteReader, at: number): [string, number] {
  let len = 0;
  let shift = 0;
  let p = at;
  for (;;) {
    const b = r.u8(p++);
    len += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) break;
    shift += 7;
    if (shift > 35) throw new ElfError(`corrupt Go build info: bad length at byte ${at}`);
  }
  r.need(p, len, "Go build info string");
  return [new TextDecoder().decode(r.bytes.subarray(p, p + len)), p + len];
}

/** Before Go 1.18 the header points at Go string headers {data, len}. */
function pointerString(r: ByteReader, elf: ElfInfo, addr: number): string {
  const hdr = vaddrToOffset(elf.segments, addr);
  const data = vaddrToOffset(elf.segments, r.word(hdr));
  const len = r.word(hdr + (r.is64 ? 8 : 4));
  r.need(data, len, "Go build info string");
  return new TextDecoder().decode(r.bytes.subarray(data, data + len));
}

// The linker wraps modinfo in 16-byte sentinels so it can be found in memory.
function stripSentinels(s: string): string {
  return s.length >= 33 && s[s.length - 17] === "\n" ? s.slice(16, -16) : s;
}

function parseModinfo(text: string): Omit<GoBuildInfo, "goVersion"> {
  let path = "";
  let main: GoModule | undefined;
  const deps: GoModule[] = [];
  const settings: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const [kind, ...f] = line.split("\t");
    const mod = (): GoModule => ({ path: f[0] ?? "", version: f[1] ?? "", sum: f[2] ?? "" });
    if (kind === "path") path = f[0] ?? "";
    else if (kind === "mod") main = mod();
    else if (kind === "dep") deps.push(mod());
    else if (kind === "=>" && deps.length > 0) deps[deps.length - 1] = { ...(deps[deps.length - 1] as GoModule), replace: mod() };
    else if (kind === "build") {
      const kv = f.join("\t");
      const eq = kv.indexOf("=");
      if (eq > 0) settings[kv.slice(0, eq)] = unquote(kv.slice(eq + 1));
    }
  }
  return { path, main, deps, settings };
}

// Values with spaces are written as Go quoted strings, e.g. -ldflags="-s -w".
function unquote(v: string): string {
  if (!v.startsWith('"')) return v;
  try {
    return JSON.parse(v) as string;
  } catch {
    return v;
  }
}
