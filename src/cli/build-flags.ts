/** `slimgo build` flags, with docker buildx build's names, shorthands and meanings. */
import { existsSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { goBool } from "../client/go-bool.js";
import type { BuildOptions, CacheEntry, CallName, OutputEntry, ProgressMode } from "../client/build-options.js";

/** A flag value that cannot mean anything: one line naming the flag and the fix. */
export class FlagError extends Error {
  override name = "FlagError";
}

export const BUILD_FLAGS = {
  file: { type: "string", short: "f" },
  target: { type: "string" },
  platform: { type: "string", multiple: true },
  "build-arg": { type: "string", multiple: true },
  label: { type: "string", multiple: true },
  tag: { type: "string", short: "t", multiple: true },
  push: { type: "boolean" },
  load: { type: "boolean" },
  output: { type: "string", short: "o", multiple: true },
  "cache-from": { type: "string", multiple: true },
  "cache-to": { type: "string", multiple: true },
  secret: { type: "string", multiple: true },
  ssh: { type: "string", multiple: true },
  "build-context": { type: "string", multiple: true },
  "no-cache": { type: "boolean" },
  pull: { type: "boolean" },
  network: { type: "string" },
  call: { type: "string" },
  check: { type: "boolean" },
  "metadata-file": { type: "string" },
  progress: { type: "string" },
  builder: { type: "string" },
  addr: { type: "string" },
  tlscacert: { type: "string" },
  tlscert: { type: "string" },
  tlskey: { type: "string" },
  tlsservername: { type: "string" },
  allow: { type: "string", multiple: true },
  "frontend-image": { type: "string" },
  attest: { type: "string", multiple: true },
  sbom: { type: "string" },
  provenance: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export interface ParsedBuildFlags {
  readonly options: BuildOptions;
  readonly connection: {
    readonly addr?: string;
    readonly builder?: string;
    readonly tls: { ca?: string; cert?: string; key?: string; serverName?: string };
  };
  readonly help: boolean;
}

/** Parse `slimgo build [flags] [DIR]`; `env` supplies BUILDKIT_PROGRESS like buildx. */
export function parseBuildFlags(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ParsedBuildFlags {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: BUILD_FLAGS });
  } catch (e) {
    throw new FlagError(`slimgo build: ${(e as Error).message}`);
  }
  const v = parsed.values;
  if (parsed.positionals.length > 1) throw new FlagError(`slimgo build: one context directory at most, got ${parsed.positionals.join(" ")}`);
  const contextDir = parsed.positionals[0] ?? ".";
  const specFile = v.file ?? join(contextDir, "slimgo.yaml");

  const outputs = (v.output ?? []).map(parseOutput);
  const tags = v.tag ?? [];
  if (v.push && outputs.some((o) => o.type !== "image" && o.type !== "registry")) fail("--push goes with -o type=image or type=registry only: drop one of them");

  const call = parseCall(v.check ? "check" : v.call);
  const options: BuildOptions = {
    contextDir,
    specFile,
    ...(v.target !== undefined ? { target: v.target } : {}),
    platforms: (v.platform ?? []).flatMap((p) => p.split(",")).map((p) => p.trim()).filter((p) => p !== ""),
    buildArgs: (v["build-arg"] ?? []).map((a) => keyValue("--build-arg", a, env)),
    labels: (v.label ?? []).map((a) => keyValue("--label", a)),
    tags,
    push: v.push === true,
    load: v.load === true,
    outputs,
    cacheFrom: (v["cache-from"] ?? []).map((c) => parseCache("--cache-from", c)),
    cacheTo: (v["cache-to"] ?? []).map((c) => parseCache("--cache-to", c)),
    secrets: parseSecrets(v.secret ?? []),
    ssh: parseSsh(v.ssh ?? []),
    buildContexts: new Map((v["build-context"] ?? []).map((c) => keyValue("--build-context", c))),
    noCache: v["no-cache"] === true,
    pull: v.pull === true,
    ...(v.network !== undefined ? { network: parseNetwork(v.network) } : {}),
    call,
    ...(v["metadata-file"] !== undefined ? { metadataFile: v["metadata-file"] } : {}),
    progress: parseProgress(v.progress ?? env["BUILDKIT_PROGRESS"] ?? "auto"),
    allow: (v.allow ?? []).flatMap((a) => a.split(",")).map((a) => a.trim()).filter((a) => a !== ""),
    ...(v["frontend-image"] !== undefined ? { frontendImage: v["frontend-image"] } : {}),
    attests: parseAttests(v.attest ?? [], v.sbom, v.provenance),
  };
  const tls: { ca?: string; cert?: string; key?: string; serverName?: string } = {};
  if (v.tlscacert !== undefined) tls.ca = v.tlscacert;
  if (v.tlscert !== undefined) tls.cert = v.tlscert;
  if (v.tlskey !== undefined) tls.key = v.tlskey;
  if (v.tlsservername !== undefined) tls.serverName = v.tlsservername;
  return {
    options,
    connection: { ...(v.addr !== undefined ? { addr: v.addr } : {}), ...(v.builder !== undefined ? { builder: v.builder } : {}), tls },
    help: v.help === true,
  };
}

function fail(message: string): never {
  throw new FlagError(`slimgo build: ${message}`);
}

/** `K=V`; a build arg without `=` takes its value from the environment, as buildx does. */
function keyValue(flag: string, raw: string, env?: Readonly<Record<string, string | undefined>>): [string, string] {
  const eq = raw.indexOf("=");
  if (eq === 0) fail(`${flag} ${raw}: the name is empty: write NAME=value`);
  if (eq < 0) {
    const fromEnv = env?.[raw];
    if (env !== undefined && fromEnv !== undefined) return [raw, fromEnv];
    fail(`${flag} ${raw}: write NAME=value${env !== undefined ? " (or set the environment variable of that name)" : ""}`);
  }
  return [raw.slice(0, eq), raw.slice(eq + 1)];
}

/** buildx reads these as CSV: `a=b,"c=d,e"`. */
export function csvFields(raw: string): string[] {
  const fields: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '"') {
      if (quoted && raw[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === "," && !quoted) {
      fields.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (quoted) fail(`unbalanced quote in "${raw}"`);
  fields.push(cur);
  return fields.map((f) => f.trim()).filter((f) => f !== "");
}

function attrsOf(flag: string, raw: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const field of csvFields(raw)) {
    const eq = field.indexOf("=");
    if (eq <= 0) fail(`${flag} ${raw}: "${field}" is not KEY=VALUE`);
    attrs[field.slice(0, eq).toLowerCase()] = field.slice(eq + 1);
  }
  return attrs;
}

/** `-f -`: the spec comes from stdin. */
export const STDIN = "-";

/** `dest=-`: the exporter's archive goes to stdout. */
export const STDOUT = "-";

const OUTPUT_TYPES = ["local", "tar", "oci", "docker", "image", "registry"];

/** `-o DIR`, `-o type=local,dest=DIR`, `-o type=registry`, … ; `-o -` is a tar on stdout, as in buildx. */
export function parseOutput(raw: string): OutputEntry {
  if (raw === "-") return { type: "tar", attrs: { dest: STDOUT } };
  if (!raw.includes("=")) return { type: "local", attrs: { dest: raw } };
  const { type, ...attrs } = attrsOf("--output", raw);
  if (type === undefined) fail(`--output ${raw}: name a type: type=local,dest=DIR (or tar, oci, docker, image, registry)`);
  if (!OUTPUT_TYPES.includes(type)) fail(`--output ${raw}: unknown type "${type}": use ${OUTPUT_TYPES.join(", ")}`);
  if ((type === "local" || type === "tar") && !attrs["dest"]) fail(`--output ${raw}: type=${type} needs dest=PATH`);
  if (type === "local" && attrs["dest"] === STDOUT) fail(`--output ${raw}: a local output is a directory: use type=tar,dest=- (or -o -) for a tar on stdout`);
  if (type === "registry") return { type: "image", attrs: { ...attrs, push: "true" } };
  return { type, attrs };
}

const ATTEST_TYPES = ["sbom", "provenance"];

/**
 * `--attest type=T,K=V…`, with `--sbom` and `--provenance` as their
 * shorthands, the way buildx reads them: true is the type alone, false
 * disables it, anything else is its parameters. Type → the `attest:T`
 * option's value, or null for disabled (no option, and no default).
 */
export function parseAttests(attests: readonly string[], sbom: string | undefined, provenance: string | undefined): Map<string, string | null> {
  const all = [...attests.map((raw) => ({ flag: "--attest", raw }))];
  if (sbom !== undefined) all.push({ flag: "--sbom", raw: shorthand("sbom", sbom) });
  if (provenance !== undefined) all.push({ flag: "--provenance", raw: shorthand("provenance", provenance) });
  const out = new Map<string, string | null>();
  for (const { flag, raw } of all) {
    const fields = csvFields(raw);
    const type = fields.find((f) => f.startsWith("type="))?.slice("type=".length);
    if (type === undefined) fail(`--attest ${raw}: name a type: type=sbom or type=provenance`);
    if (!ATTEST_TYPES.includes(type)) fail(`--attest ${raw}: unknown type "${type}": use ${ATTEST_TYPES.join(" or ")}`);
    if (out.has(type)) fail(`${flag}: a ${type} attestation is asked for twice: keep one of --${type} and --attest type=${type}`);
    const params = fields.filter((f) => !f.startsWith("type="));
    for (const f of params) if (f.indexOf("=") <= 0) fail(`${flag} ${raw}: "${f}" is not KEY=VALUE`);
    const disabled = params.find((f) => f.startsWith("disabled="))?.slice("disabled=".length);
    out.set(type, disabled !== undefined && goBool(disabled) === true ? null : params.filter((f) => !f.startsWith("disabled=")).map(csvQuote).join(","));
  }
  return out;
}

/** `--sbom=true` is `type=sbom`, `=false` disables it, `=generator=IMG` is its parameters. */
function shorthand(type: string, value: string): string {
  const b = goBool(value);
  if (b === true) return `type=${type}`;
  if (b === false) return `type=${type},disabled=true`;
  return `type=${type},${value}`;
}

function csvQuote(field: string): string {
  return /[",]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** `--cache-from REF` is a registry ref; otherwise `type=…,KEY=VALUE`. */
export function parseCache(flag: string, raw: string): CacheEntry {
  if (!raw.includes("=")) return { type: "registry", attrs: { ref: raw } };
  const { type, ...attrs } = attrsOf(flag, raw);
  if (type === undefined) fail(`${flag} ${raw}: name a type: type=registry,ref=REF or type=local,${flag === "--cache-to" ? "dest" : "src"}=DIR`);
  if (type === "registry" && !attrs["ref"]) fail(`${flag} ${raw}: type=registry needs ref=REGISTRY/NAME`);
  if (type === "local") {
    const key = flag === "--cache-to" ? "dest" : "src";
    if (!attrs[key]) fail(`${flag} ${raw}: type=local needs ${key}=DIR`);
    if (attrs["mode"] !== undefined && attrs["mode"] !== "min" && attrs["mode"] !== "max") fail(`${flag} ${raw}: mode must be min or max`);
  }
  return { type, attrs };
}

/** `--secret id=ID[,src=FILE|env=VAR]`; with neither, the environment variable named by id, else a file of that name. */
function parseSecrets(raws: readonly string[]): Map<string, { file?: string; env?: string }> {
  const out = new Map<string, { file?: string; env?: string }>();
  for (const raw of raws) {
    const a = attrsOf("--secret", raw);
    const id = a["id"];
    if (!id) fail(`--secret ${raw}: name it with id=ID`);
    const file = a["src"] ?? a["source"];
    const envName = a["env"];
    if (a["type"] !== undefined && a["type"] !== "file" && a["type"] !== "env") fail(`--secret ${raw}: type must be file or env`);
    if (file !== undefined) out.set(id, { file });
    else if (envName !== undefined) out.set(id, { env: envName });
    else out.set(id, a["type"] === "file" ? { file: id } : { env: id });
  }
  return out;
}

/** `--ssh default` or `--ssh ID=PATH[,PATH]`. */
function parseSsh(raws: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const raw of raws) {
    const eq = raw.indexOf("=");
    const id = eq < 0 ? raw : raw.slice(0, eq);
    if (id === "") fail(`--ssh ${raw}: write default or ID=PATH`);
    out.set(id, eq < 0 ? [] : raw.slice(eq + 1).split(",").filter((p) => p !== ""));
  }
  return out;
}

function parseNetwork(raw: string): "default" | "host" | "none" {
  if (raw === "default" || raw === "host" || raw === "none") return raw;
  return fail(`--network ${raw}: use default, host or none`);
}

function parseCall(raw: string | undefined): CallName {
  const name = raw ?? "build";
  if (name === "build" || name === "check" || name === "targets" || name === "outline" || name === "size") return name;
  return fail(`--call ${name}: slimgo answers build, check, targets, outline and size`);
}

function parseProgress(raw: string): ProgressMode {
  if (raw === "auto" || raw === "plain" || raw === "tty" || raw === "rawjson" || raw === "quiet") return raw;
  return fail(`--progress ${raw}: use auto, plain, tty, rawjson or quiet`);
}

/** `dest=-` as buildx checks it: one output at most on stdout, and never onto a terminal. */
export function checkStdio(o: BuildOptions, stdoutIsTty: boolean): void {
  const toStdout = o.outputs.filter((e) => e.attrs["dest"] === STDOUT);
  if (toStdout.length > 1) fail("-o: only one output can go to stdout (dest=-): give the others a file");
  if (toStdout.length === 1 && stdoutIsTty) fail(`-o ${toStdout[0]?.type === "tar" ? "-" : `type=${toStdout[0]?.type},dest=-`}: stdout is a terminal, refusing to write an archive to it: redirect it (> out.tar) or pipe it (| tar -t)`);
}

/**
 * Checks that need the disk: the context and spec exist, secret files are
 * readable, local build contexts are directories. Names the flag and the fix.
 */
export function checkPaths(o: BuildOptions, cwd: string): void {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const dir = abs(o.contextDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) fail(`context ${o.contextDir}: no such directory: pass the directory that holds go.mod`);
  const spec = abs(o.specFile);
  if (o.specFile !== STDIN && (!existsSync(spec) || !statSync(spec).isFile())) fail(`${o.specFile}: no such file: write one with \`slimgo init\`, or name it with -f`);
  for (const [id, s] of o.secrets) {
    if (s.file !== undefined && !existsSync(abs(s.file))) fail(`--secret id=${id}: file ${s.file} does not exist: fix src= or create it`);
  }
  for (const [name, value] of o.buildContexts) {
    if (/^[a-z][a-z0-9+.-]*:\/\//.test(value)) continue;
    const p = abs(value);
    if (!existsSync(p) || !statSync(p).isDirectory()) fail(`--build-context ${name}=${value}: no such directory: pass a directory or a docker-image:// reference`);
  }
}
