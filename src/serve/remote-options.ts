/**
 * `slimgo build` flags as a remote build takes them: parsed by the same
 * parser, then refused where they would reach the service's own disk,
 * secrets or Docker engine, or name another node.
 */
import { readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import type { BuildOptions } from "../client/build-options.js";
import type { TenantConfig } from "./config.js";
import { FlagError, STDIN, parseBuildFlags } from "../cli/build-flags.js";
import { STDIN_SPEC_NAME } from "../cli/spec-stdin.js";
import { SOURCE_DATE_EPOCH } from "../plan/source-date-epoch.js";

/** The options of a build whose context was uploaded to `contextDir`. */
export function remoteOptions(args: readonly string[], contextDir: string): BuildOptions {
  if (args.length > 256) throw new FlagError(`${args.length} build arguments: the limit is 256`);
  const spec = specPath(args);
  const parsed = parseBuildFlags([...args, contextDir], {});
  if (parsed.help) throw new FlagError("-h/--help: run slimgo build --help locally");
  const o = parsed.options;
  const c = parsed.connection;
  const refuse = (flag: string, why: string) => {
    throw new FlagError(`${flag} does not apply to a build on the service: ${why}`);
  };
  if (c.addr !== undefined || c.builder !== undefined) refuse(c.addr !== undefined ? "--addr" : "--builder", "the service picks the node; drop the flag");
  if (c.tls.ca !== undefined || c.tls.cert !== undefined || c.tls.key !== undefined || c.tls.serverName !== undefined) refuse("--tlscacert/--tlscert/--tlskey", "the service holds the nodes' certificates; drop them");
  if (o.load) refuse("--load", "the image would land in the service's Docker engine; use --push, or build locally");
  for (const out of o.outputs) {
    if (out.type !== "image" && out.type !== "registry") refuse(`-o type=${out.type}`, "files would be written on the service; use --push (or -o type=registry)");
  }
  for (const [flag, caches] of [["--cache-from", o.cacheFrom], ["--cache-to", o.cacheTo]] as const) {
    if (caches.some((c) => c.type === "local")) refuse(`${flag} type=local`, "the directory would be on the service; use type=registry,ref=REGISTRY/NAME");
  }
  for (const [id, s] of o.secrets) {
    if (s.file !== undefined || s.env !== id) refuse(`--secret id=${id},${s.file !== undefined ? "src" : "env"}=…`, `the service lends the tenant's own secret of that id (serve.yaml, tenants[].secrets): write --secret id=${id}`);
  }
  for (const [id, paths] of o.ssh) {
    if (paths.length > 0) refuse(`--ssh ${id}=…`, `the service lends the tenant's own agent of that id (serve.yaml, tenants[].ssh): write --ssh ${id}`);
  }
  if (o.metadataFile !== undefined) refuse("--metadata-file", "the digests come back in the build's record (slimgo builds show --json)");
  if (o.call !== "build") refuse(`--call ${o.call}`, "answers are not sent back; run it locally");
  for (const [name, value] of o.buildContexts) {
    if (!/^[a-z][a-z0-9+.-]*:\/\//.test(value)) refuse(`--build-context ${name}=${value}`, "only docker-image:// and other URLs work; a directory is not uploaded");
  }
  return { ...o, contextDir, specFile: spec === STDIN ? stdinSpecFile(contextDir) : join(contextDir, spec) };
}

/** `-f -`: the spec came in the Submit's options, not in the context. */
export function specFromStdin(args: readonly string[]): boolean {
  return specPath(args) === STDIN;
}

/** Where the service keeps a spec sent with `-f -`: in the build's own directory, beside the context, so it outlives a restart. */
export function stdinSpecFile(contextDir: string): string {
  return join(dirname(contextDir), "stdin", STDIN_SPEC_NAME);
}

/**
 * A git source's commit as the build args a local .git would have given:
 * ${COMMIT} for ldflags and SOURCE_DATE_EPOCH (image and file times, ${DATE}).
 * The user's own build args win, as they do over a local .git.
 */
export function withCommit(o: BuildOptions, fetched: { readonly gitCommit: string; readonly gitTime?: number | undefined }): BuildOptions {
  if (fetched.gitCommit === "") return o;
  const given = new Set(o.buildArgs.map(([k]) => k));
  const derived: Array<readonly [string, string]> = [["COMMIT", fetched.gitCommit]];
  if (fetched.gitTime !== undefined) derived.push([SOURCE_DATE_EPOCH, String(fetched.gitTime)]);
  return { ...o, buildArgs: [...o.buildArgs, ...derived.filter(([k]) => !given.has(k))] };
}

/**
 * The secrets and SSH agents a build asks for, as the tenant's own: each id
 * is looked up in the tenant's config and nowhere else, so a build can never
 * read the service's files or environment. An id the tenant has not been lent
 * is refused, naming where the operator lends it.
 */
export function lendTenantSecrets(o: BuildOptions, tenant: Pick<TenantConfig, "name" | "secrets" | "ssh">): BuildOptions {
  const secrets = new Map<string, { file: string }>();
  for (const id of o.secrets.keys()) {
    const file = tenant.secrets.get(id);
    if (file === undefined) throw new FlagError(`--secret id=${id}: tenant ${tenant.name} has no secret ${id}: the service's operator lends one in serve.yaml (tenants: [{name: ${tenant.name}, secrets: {${id}: /path/to/file}}])`);
    secrets.set(id, { file });
  }
  const ssh = new Map<string, string[]>();
  for (const id of o.ssh.keys()) {
    const socket = tenant.ssh.get(id);
    if (socket === undefined) throw new FlagError(`--ssh ${id}: tenant ${tenant.name} has no SSH agent ${id}: the service's operator lends one in serve.yaml (tenants: [{name: ${tenant.name}, ssh: {${id}: /path/to/agent.sock}}])`);
    ssh.set(id, [socket]);
  }
  return { ...o, secrets, ssh };
}

/** `-f FILE` as a path inside the context (default slimgo.yaml). */
function specPath(args: readonly string[]): string {
  let file = "slimgo.yaml";
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "-f" || a === "--file") file = args[i + 1] ?? file;
    else if (a.startsWith("--file=")) file = a.slice("--file=".length);
    else if (a.startsWith("-f") && a.length > 2) file = a.slice(2);
  }
  if (file === STDIN) return STDIN;
  const norm = posix.normalize(file);
  if (file.startsWith("/") || norm === ".." || norm.startsWith("../")) throw new FlagError(`-f ${file}: the spec must be a path inside the uploaded context, like slimgo.yaml or deploy/slimgo.yaml`);
  return norm;
}

/** What cache affinity and the registry cache key on: the main module's path, else the tenant's "upload". */
export function repositoryOf(contextDir: string, specFile: string): string {
  for (const dir of [posix.dirname(specFile), contextDir]) {
    try {
      const text = readFileSync(join(dir, "go.mod"), "utf8").slice(0, 64 << 10);
      const m = /^\s*module\s+"?([^\s"/]+[^\s"]*)"?\s*$/m.exec(text);
      if (m?.[1]) return m[1];
    } catch {
      // No go.mod there: try the next place.
    }
  }
  return "upload";
}

/** A repository name as one registry path component. */
export function repositorySlug(repository: string): string {
  const slug = repository.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[-._]+|[-._]+$/g, "").replace(/[-._]{2,}/g, "-");
  return slug === "" ? "upload" : slug.slice(0, 100);
}
