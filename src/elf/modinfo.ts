/** The module info text the go command embeds (`path`, `mod`, `dep`, `=>`, `build` lines), as runtime/debug parses it. */
import { unquoteGo } from "../gostring/unquote.js";
import { ElfError } from "./elf-error.js";

/** A module as `go version -m` lists it. */
export interface GoModule {
  readonly path: string;
  /** "(devel)" for the main module built from a working tree. */
  readonly version: string;
  /** go.sum hash, "" when there is none (main module, local replacements). */
  readonly sum: string;
  readonly replace?: GoModule;
}

/** Build info of a Go binary: toolchain, modules and build settings. */
export interface GoBuildInfo {
  /** The toolchain that built the binary, e.g. go1.26.8. */
  readonly goVersion: string;
  /** The main package's import path. */
  readonly path: string;
  readonly main: GoModule | undefined;
  readonly deps: readonly GoModule[];
  /** `build` lines: CGO_ENABLED, -trimpath, -tags, -ldflags, GOARCH, GOOS, GOAMD64, vcs.* … */
  readonly settings: Readonly<Record<string, string>>;
}

const SENTINEL = 16;
/** Dependency lines read at most: the largest real programs list a few thousand modules. */
export const MAX_MODULES = 20_000;

/** The linker frames modinfo with two 16-byte sentinels so it can be found in memory; without a frame there is no module info. */
export function stripSentinels(mod: Uint8Array): Uint8Array {
  return mod.length >= 2 * SENTINEL + 1 && mod[mod.length - SENTINEL - 1] === 0x0a ? mod.subarray(SENTINEL, mod.length - SENTINEL) : new Uint8Array(0);
}

function module(fields: readonly string[]): GoModule | undefined {
  if (fields.length !== 2 && fields.length !== 3) return undefined;
  return { path: fields[0] ?? "", version: fields[1] ?? "", sum: fields[2] ?? "" };
}

/** Parse modinfo text; malformed lines are skipped rather than failing the whole verdict. */
export function parseModinfo(text: string): Omit<GoBuildInfo, "goVersion"> {
  let path = "";
  let main: GoModule | undefined;
  const deps: GoModule[] = [];
  const settings: Record<string, string> = {};
  // Which module a following `=>` line replaces: the last `mod` or `dep`.
  let last: "main" | number | undefined;
  for (let start = 0, end = 0; start < text.length; start = end + 1) {
    // Line by line without splitting the whole text: it may be megabytes.
    end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    const tab = line.indexOf("\t");
    if (tab < 0) continue;
    const kind = line.slice(0, tab);
    const rest = line.slice(tab + 1);
    if (kind === "path") path = rest;
    else if (kind === "mod") {
      main = module(rest.split("\t"));
      last = "main";
    } else if (kind === "dep") {
      if (deps.length >= MAX_MODULES) throw new ElfError(`corrupt Go build info: it lists more than ${MAX_MODULES} modules, the limit`);
      const dep = module(rest.split("\t"));
      if (dep) deps.push(dep);
      last = dep ? deps.length - 1 : undefined;
    } else if (kind === "=>") {
      const fields = rest.split("\t");
      if (fields.length !== 3) continue;
      const replace = module(fields);
      if (replace === undefined) continue;
      if (last === "main" && main) main = { ...main, replace };
      else if (typeof last === "number") {
        const dep = deps[last];
        if (dep) deps[last] = { ...dep, replace };
      }
    } else if (kind === "build") {
      const kv = parseSetting(rest);
      if (kv) settings[kv[0]] = kv[1];
    }
  }
  return { path, main, deps, settings };
}

/** `key=value`, where either side may be a Go quoted string (keys with `=`, values with spaces such as -ldflags="-s -w"). */
function parseSetting(kv: string): [string, string] | undefined {
  let key: string;
  let raw: string;
  if (kv.startsWith('"') || kv.startsWith("`")) {
    const end = quotedPrefixLength(kv);
    const k = end === undefined ? undefined : goUnquote(kv.slice(0, end));
    if (end === undefined || k === undefined || kv[end] !== "=") return undefined;
    key = k;
    raw = kv.slice(end + 1);
  } else {
    const eq = kv.indexOf("=");
    if (eq <= 0) return undefined;
    key = kv.slice(0, eq);
    raw = kv.slice(eq + 1);
  }
  const value = raw.startsWith('"') || raw.startsWith("`") ? goUnquote(raw) : raw;
  return value === undefined ? undefined : [key, value];
}

function quotedPrefixLength(s: string): number | undefined {
  const q = s[0];
  for (let i = 1; i < s.length; i++) {
    if (s[i] === "\\" && q === '"') i++;
    else if (s[i] === q) return i + 1;
  }
  return undefined;
}

/** strconv.Unquote (src/gostring) for the forms strconv.Quote writes; undefined when `s` is not one whole quoted string. */
export function goUnquote(s: string): string | undefined {
  if (s.length < 2) return undefined;
  if (s[0] === "`") return s.endsWith("`") && !s.slice(1, -1).includes("`") ? s.slice(1, -1) : undefined;
  // Most build info strings have no escape: no bytes to collect then.
  if (!s.includes("\\")) return s[0] === '"' && s.endsWith('"') && !s.slice(1, -1).includes('"') ? s.slice(1, -1) : undefined;
  const u = unquoteGo(s);
  return u.ok ? new TextDecoder().decode(u.bytes) : undefined;
}
