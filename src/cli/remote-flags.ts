/**
 * `slimgo build --server URL`: the flags that choose and reach the service,
 * and the build flags turned into the args the service runs, refusing those
 * that name something only this machine has.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { BuildOptions, CacheEntry, OutputEntry } from "../client/build-options.js";
import { remoteOptions } from "../serve/remote-options.js";
import { FlagError, STDIN } from "./build-flags.js";

export interface RemoteFlags {
  readonly server: string;
  readonly tokenFile?: string;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly detach: boolean;
}

const VALUED = { "--server": "server", "--token-file": "tokenFile", "--server-ca": "ca", "--server-cert": "cert", "--server-key": "key" } as const;

/** Whether the command line asks for a remote build. */
export function wantsServer(argv: readonly string[]): boolean {
  return argv.some((a) => a === "--server" || a.startsWith("--server="));
}

/** Takes the service's own flags out of argv; the rest are build flags. */
export function splitRemoteFlags(argv: readonly string[]): { remote: RemoteFlags; rest: string[] } {
  const found: Record<string, string> = {};
  let detach = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === "--detach" || arg === "-d") {
      detach = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const key = VALUED[name as keyof typeof VALUED];
    if (key === undefined) {
      rest.push(arg);
      continue;
    }
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === "") throw new FlagError(`slimgo build: ${name} needs a value`);
    found[key] = value;
  }
  const server = found["server"];
  if (server === undefined) throw new FlagError("slimgo build: --server needs a value: tcp://HOST:PORT or tls://HOST:PORT");
  return { remote: { ...found, server, detach } as RemoteFlags, rest };
}

/** A context given as a git URL (`https://host/repo.git#ref`, `git://…`, `ssh://…`, `git@host:repo`): the service fetches it. */
export function gitContext(dir: string): { url: string; ref: string } | undefined {
  if (!/^(git:\/\/|ssh:\/\/|git@|https?:\/\/)/.test(dir)) return undefined;
  const hash = dir.indexOf("#");
  return hash < 0 ? { url: dir, ref: "" } : { url: dir.slice(0, hash), ref: dir.slice(hash + 1) };
}

/**
 * The args the service builds with, in a fixed order: the spec path relative
 * to the context, then buildx's flags. They go through the service's own
 * check first, so a flag that makes no sense remotely is refused here, in one
 * line, before anything is uploaded.
 */
export function remoteArgs(o: BuildOptions, opts: { cwd: string; git: boolean; specGiven: boolean }): string[] {
  if (o.frontendImage !== undefined) throw new FlagError("slimgo build --server: --frontend-image: the service runs its own frontend: drop the flag");
  const args: string[] = [];
  // -f - sends the spec itself with the options.
  if (o.specFile === STDIN) args.push("-f", STDIN);
  else if (opts.specGiven) args.push("-f", specInContext(o, opts));
  if (o.target !== undefined) args.push("--target", o.target);
  if (o.platforms.length > 0) args.push("--platform", o.platforms.join(","));
  for (const [k, v] of o.buildArgs) args.push("--build-arg", `${k}=${v}`);
  for (const [k, v] of o.labels) args.push("--label", `${k}=${v}`);
  for (const t of o.tags) args.push("-t", t);
  if (o.push) args.push("--push");
  if (o.load) args.push("--load");
  for (const out of o.outputs) args.push("-o", csv(out));
  for (const c of o.cacheFrom) args.push("--cache-from", csv(c));
  for (const c of o.cacheTo) args.push("--cache-to", csv(c));
  for (const [id, s] of o.secrets) args.push("--secret", s.file !== undefined ? `id=${id},src=${s.file}` : s.env !== undefined && s.env !== id ? `id=${id},env=${s.env}` : `id=${id}`);
  for (const [id, paths] of o.ssh) args.push("--ssh", paths.length > 0 ? `${id}=${paths.join(",")}` : id);
  for (const [name, value] of o.buildContexts) args.push("--build-context", `${name}=${value}`);
  if (o.noCache) args.push("--no-cache");
  if (o.pull) args.push("--pull");
  if (o.network !== undefined) args.push("--network", o.network);
  if (o.call !== "build") args.push("--call", o.call);
  if (o.metadataFile !== undefined) args.push("--metadata-file", o.metadataFile);
  for (const a of o.allow) args.push("--allow", a);
  for (const [type, params] of o.attests) args.push("--attest", [`type=${type}`, ...(params === null ? ["disabled=true"] : params === "" ? [] : [params])].join(","));
  try {
    remoteOptions(args, "/context");
  } catch (e) {
    if (e instanceof FlagError) throw new FlagError(`slimgo build --server: ${e.message.replace(/^slimgo build: /, "")}`);
    throw e;
  }
  return args;
}

/** -f as a path inside the context (the service sees only the context). */
function specInContext(o: BuildOptions, opts: { cwd: string; git: boolean }): string {
  if (opts.git) {
    if (isAbsolute(o.specFile) || o.specFile.split(/[\\/]/).includes("..")) throw new FlagError(`slimgo build --server: -f ${o.specFile}: with a git context, name the spec by its path in the repository`);
    return o.specFile;
  }
  const rel = relative(resolve(opts.cwd, o.contextDir), resolve(opts.cwd, o.specFile));
  if (rel === "" || rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) {
    throw new FlagError(`slimgo build --server: -f ${o.specFile} is outside the context ${o.contextDir}: only the context is uploaded, so move the spec into it`);
  }
  return rel.split(sep).join("/");
}

function csv(e: OutputEntry | CacheEntry): string {
  const quote = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [`type=${e.type}`, ...Object.entries(e.attrs).map(([k, v]) => quote(`${k}=${v}`))].join(",");
}
