/**
 * `slimgo serve --config FILE`: the service's YAML, read with the spec's
 * bounded YAML reader and checked field by field, every problem located as
 * `file:line:col: what (fix)`.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { type Document, LineCounter, type Node, isMap, isScalar, isSeq, type YAMLMap } from "yaml";
import { readYaml } from "../spec/read-yaml.js";

export interface TlsServerConfig {
  readonly cert: string;
  readonly key: string;
  /** Client certificates must chain to this CA (mTLS). */
  readonly clientCA?: string;
}

export interface TenantConfig {
  readonly name: string;
  /** sha256 of each bearer token, lower-case hex. */
  readonly tokenSha256: readonly string[];
  /** Client certificate CNs or SANs that act as this tenant (mTLS). */
  readonly certNames: readonly string[];
  readonly maxRunning: number;
  /** Build secrets the service lends this tenant's builds, by id: a file on the service's disk, read when a build asks. */
  readonly secrets: ReadonlyMap<string, string>;
  /** SSH agents the service lends this tenant's builds, by id: an agent socket on the service's host. */
  readonly ssh: ReadonlyMap<string, string>;
}

export interface NodeConfig {
  readonly name: string;
  readonly addr: string;
  readonly tls?: { readonly ca?: string; readonly cert?: string; readonly key?: string; readonly serverName?: string };
  /** os/arch[/variant]. */
  readonly platforms: readonly string[];
  readonly maxBuilds: number;
}

export interface ServeLimits {
  readonly contextBytes: number;
  readonly contextFiles: number;
  readonly buildTimeoutMs: number;
  /** Status events kept per build (the Watch history). */
  readonly eventsPerBuild: number;
  /** Builds one tenant may have waiting; more are refused with RESOURCE_EXHAUSTED. */
  readonly queuedPerTenant: number;
}

export interface ServeConfig {
  /** The file it was read from, for messages. */
  readonly file: string;
  /** host:port of the gRPC listener. */
  readonly listen: string;
  readonly tls?: TlsServerConfig;
  /** host:port of the Prometheus listener. */
  readonly metrics?: string;
  readonly state: string;
  readonly workdir: string;
  readonly tenants: readonly TenantConfig[];
  readonly nodes: readonly NodeConfig[];
  readonly cache?: { readonly registry: string };
  readonly limits: ServeLimits;
  /** Registry credentials for pushes and the index (default $DOCKER_CONFIG, else ~/.docker). */
  readonly dockerConfig?: string;
  /** How often nodes are asked ListWorkers. */
  readonly healthIntervalMs: number;
}

export const DEFAULT_LIMITS: ServeLimits = { contextBytes: 500e6, contextFiles: 200_000, buildTimeoutMs: 30 * 60_000, eventsPerBuild: 20_000, queuedPerTenant: 200 };

/** A config that cannot be used: every problem, one line each, located. */
export class ServeConfigError extends Error {
  override name = "ServeConfigError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

const TOP_KEYS = ["listen", "tls", "metrics", "state", "workdir", "tenants", "nodes", "cache", "limits", "dockerConfig", "healthInterval"] as const;

export function loadServeConfig(path: string): ServeConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ServeConfigError([`${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): pass the path of the service's YAML config`]);
  }
  return parseServeConfig(text, path);
}

/** The config in `text`, paths resolved against `file`'s directory. */
export function parseServeConfig(text: string, file: string): ServeConfig {
  const lines = new LineCounter();
  const problems: string[] = [];
  const at = (offset: number) => {
    const p = lines.linePos(offset);
    return `${file}:${p.line}:${p.col}`;
  };
  const fail = (node: Node | null | undefined, what: string, fix: string) => problems.push(`${at(node?.range?.[0] ?? 0)}: ${what} (${fix})`);
  const doc: Document.Parsed | undefined = readYaml(text, lines, (off, p) => problems.push(`${at(off[0])}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`));
  if (doc === undefined) throw new ServeConfigError(problems);
  for (const e of doc.errors) problems.push(`${at(e.pos[0])}: ${e.message.split("\n")[0]} (fix the YAML syntax)`);
  if (problems.length > 0) throw new ServeConfigError(problems);
  const root = doc.contents;
  if (!isMap(root)) throw new ServeConfigError([`${at(0)}: the config is not a mapping (write listen:, state:, workdir:, tenants: and nodes: keys)`]);
  const base = dirname(resolve(file));
  const r = new Reader(fail, base);

  const top = r.fields(root, TOP_KEYS, "the top level");
  const listen = r.hostPort(top.get("listen"), "listen", true) ?? "127.0.0.1:7700";
  const metrics = r.hostPort(top.get("metrics"), "metrics", false);
  const state = r.path(top.get("state"), "state", true) ?? "";
  const workdir = r.path(top.get("workdir"), "workdir", true) ?? "";
  const dockerConfig = r.path(top.get("dockerConfig"), "dockerConfig", false);
  const healthInterval = r.duration(top.get("healthInterval"), "healthInterval") ?? 5000;
  let tls: TlsServerConfig | undefined;
  const tlsNode = top.get("tls");
  if (tlsNode !== undefined) {
    const t = r.fields(tlsNode, ["cert", "key", "clientCA"], "tls");
    const cert = r.path(t.get("cert"), "tls.cert", true, tlsNode);
    const key = r.path(t.get("key"), "tls.key", true, tlsNode);
    const clientCA = r.path(t.get("clientCA"), "tls.clientCA", false);
    if (cert !== undefined && key !== undefined) tls = clientCA === undefined ? { cert, key } : { cert, key, clientCA };
  }

  const tenants: TenantConfig[] = [];
  const tenantNodes = top.get("tenants");
  if (tenantNodes === undefined) fail(root, "no tenants", "add tenants: [{name: team-a, tokenSha256: <sha256 hex of the token>}]");
  for (const item of r.list(tenantNodes, "tenants")) {
    const f = r.fields(item, ["name", "tokenSha256", "certNames", "maxRunning", "secrets", "ssh"], "a tenant");
    const name = r.name(f.get("name"), "tenant name", item);
    const tokens = r.strings(f.get("tokenSha256"), "tokenSha256");
    for (const [i, t] of tokens.entries()) {
      if (!/^[0-9a-f]{64}$/.test(t)) fail(r.itemNode(f.get("tokenSha256"), i), `tokenSha256 "${t.slice(0, 80)}" is not 64 lower-case hex digits`, "write the output of: printf %s TOKEN | sha256sum");
    }
    const certNames = r.strings(f.get("certNames"), "certNames");
    if (name !== undefined && tokens.length === 0 && certNames.length === 0) fail(item, `tenant ${name} has no way in`, "add tokenSha256 or certNames");
    const maxRunning = r.count(f.get("maxRunning"), "maxRunning") ?? 2;
    const secrets = r.pathMap(f.get("secrets"), "secrets", "netrc: /etc/slimgo/team-a/netrc");
    const ssh = r.pathMap(f.get("ssh"), "ssh", "default: /run/slimgo/team-a-agent.sock");
    if (name !== undefined) {
      if (tenants.some((t) => t.name === name)) fail(f.get("name"), `tenant ${name} is named twice`, "give each tenant its own name");
      tenants.push({ name, tokenSha256: tokens, certNames, maxRunning, secrets, ssh });
    }
  }
  const allTokens = tenants.flatMap((t) => t.tokenSha256);
  if (new Set(allTokens).size !== allTokens.length) fail(tenantNodes, "one token belongs to two tenants", "give each tenant its own token");

  const nodes: NodeConfig[] = [];
  const nodeList = top.get("nodes");
  if (nodeList === undefined) fail(root, "no nodes", 'add nodes: [{name: n1, addr: "unix:///run/buildkit/buildkitd.sock", platforms: [linux/amd64]}]');
  for (const item of r.list(nodeList, "nodes")) {
    const f = r.fields(item, ["name", "addr", "tls", "platforms", "maxBuilds"], "a node");
    const name = r.name(f.get("name"), "node name", item);
    const addr = r.string(f.get("addr"), "addr", true, item);
    if (addr !== undefined && !/^(unix:\/\/\/.+|tcp:\/\/[^/]+:\d{1,5}\/?)$/.test(addr)) fail(f.get("addr"), `addr "${addr}" is not a BuildKit address`, "write unix:///path/buildkitd.sock or tcp://host:port");
    let nodeTls: NodeConfig["tls"];
    const tlsN = f.get("tls");
    if (tlsN !== undefined) {
      const t = r.fields(tlsN, ["ca", "cert", "key", "serverName"], "a node's tls");
      const ca = r.path(t.get("ca"), "tls.ca", false);
      const cert = r.path(t.get("cert"), "tls.cert", false);
      const key = r.path(t.get("key"), "tls.key", false);
      const serverName = r.string(t.get("serverName"), "tls.serverName", false);
      if ((cert === undefined) !== (key === undefined)) fail(tlsN, "a client certificate needs both cert and key", "add the missing one");
      if (addr?.startsWith("unix:")) fail(tlsN, "tls applies to tcp:// addresses only", "drop tls or use a tcp:// address");
      nodeTls = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(serverName ? { serverName } : {}) };
    }
    const platforms = r.strings(f.get("platforms"), "platforms");
    if (f.get("platforms") === undefined) fail(item, `node ${name ?? ""} has no platforms`, "add platforms: [linux/amd64]");
    for (const [i, p] of platforms.entries()) {
      if (!/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(p)) fail(r.itemNode(f.get("platforms"), i), `platform "${p}" is not os/arch[/variant]`, "write linux/amd64 or linux/arm64");
    }
    const maxBuilds = r.count(f.get("maxBuilds"), "maxBuilds") ?? 2;
    if (name !== undefined && addr !== undefined) {
      if (nodes.some((n) => n.name === name)) fail(f.get("name"), `node ${name} is named twice`, "give each node its own name");
      nodes.push({ name, addr, ...(nodeTls ? { tls: nodeTls } : {}), platforms, maxBuilds });
    }
  }

  let cache: ServeConfig["cache"];
  const cacheNode = top.get("cache");
  if (cacheNode !== undefined) {
    const c = r.fields(cacheNode, ["registry"], "cache");
    const registry = r.string(c.get("registry"), "cache.registry", true, cacheNode);
    if (registry !== undefined && !/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._/-]+)?$/.test(registry)) fail(c.get("registry"), `cache.registry "${registry}" is not a registry/repository name`, "write registry.example/slimgo-cache");
    else if (registry !== undefined) cache = { registry: registry.replace(/\/$/, "") };
  }

  let limits = DEFAULT_LIMITS;
  const limitsNode = top.get("limits");
  if (limitsNode !== undefined) {
    const l = r.fields(limitsNode, ["contextBytes", "contextFiles", "buildTimeout", "eventsPerBuild", "queuedPerTenant"], "limits");
    limits = {
      contextBytes: r.size(l.get("contextBytes"), "limits.contextBytes") ?? DEFAULT_LIMITS.contextBytes,
      contextFiles: r.count(l.get("contextFiles"), "limits.contextFiles") ?? DEFAULT_LIMITS.contextFiles,
      buildTimeoutMs: r.duration(l.get("buildTimeout"), "limits.buildTimeout") ?? DEFAULT_LIMITS.buildTimeoutMs,
      eventsPerBuild: r.count(l.get("eventsPerBuild"), "limits.eventsPerBuild") ?? DEFAULT_LIMITS.eventsPerBuild,
      queuedPerTenant: r.count(l.get("queuedPerTenant"), "limits.queuedPerTenant") ?? DEFAULT_LIMITS.queuedPerTenant,
    };
  }
  if (problems.length > 0) throw new ServeConfigError(problems);
  return {
    file,
    listen,
    ...(tls ? { tls } : {}),
    ...(metrics ? { metrics } : {}),
    state,
    workdir,
    tenants,
    nodes,
    ...(cache ? { cache } : {}),
    limits,
    ...(dockerConfig ? { dockerConfig } : {}),
    healthIntervalMs: healthInterval,
  };
}

type Fail = (node: Node | null | undefined, what: string, fix: string) => void;

const SIZE_UNITS: Readonly<Record<string, number>> = { "": 1, B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3, K: 1e3, M: 1e6, G: 1e9 };
const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Typed reads of YAML nodes, each reporting a located problem instead of throwing. */
class Reader {
  constructor(
    private readonly fail: Fail,
    private readonly base: string,
  ) {}

  fields(node: Node | undefined, allowed: readonly string[], what: string): Map<string, Node> {
    const out = new Map<string, Node>();
    if (node === undefined) return out;
    if (!isMap(node)) {
      this.fail(node, `${what} is not a mapping`, `write key: value pairs (${allowed.join(", ")})`);
      return out;
    }
    for (const pair of (node as YAMLMap<Node, Node>).items) {
      const key = pair.key;
      const name = isScalar(key) ? String(key.value) : "";
      if (!allowed.includes(name)) {
        this.fail(key, `unknown key "${name.slice(0, 80)}" in ${what}`, `use one of ${allowed.join(", ")}`);
        continue;
      }
      if (pair.value !== null && pair.value !== undefined) out.set(name, pair.value);
      else this.fail(key, `${name} has no value`, "give it one, or remove the key");
    }
    return out;
  }

  list(node: Node | undefined, what: string): Node[] {
    if (node === undefined) return [];
    if (!isSeq(node)) {
      this.fail(node, `${what} is not a list`, `write ${what}: [ {...}, {...} ] or one "- " item per line`);
      return [];
    }
    return node.items as Node[];
  }

  itemNode(node: Node | undefined, i: number): Node | undefined {
    return isSeq(node) ? (node.items[i] as Node) : node;
  }

  string(node: Node | undefined, what: string, required: boolean, parent?: Node): string | undefined {
    if (node === undefined) {
      if (required) this.fail(parent, `${what} is missing`, `add ${what.split(".").pop()}: …`);
      return undefined;
    }
    if (!isScalar(node) || typeof node.value !== "string" || node.value === "") {
      this.fail(node, `${what} is not a non-empty string`, "write a quoted string");
      return undefined;
    }
    return node.value;
  }

  strings(node: Node | undefined, what: string): string[] {
    if (node === undefined) return [];
    if (isScalar(node)) {
      const s = this.string(node, what, false);
      return s === undefined ? [] : [s];
    }
    return this.list(node, what).flatMap((n) => {
      const s = this.string(n, `an item of ${what}`, false);
      return s === undefined ? [] : [s];
    });
  }

  name(node: Node | undefined, what: string, parent: Node): string | undefined {
    const s = this.string(node, what, true, parent);
    if (s !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(s)) {
      this.fail(node, `${what} "${s.slice(0, 80)}" has characters other than letters, digits, ".", "_" and "-"`, "use a short name like team-a");
      return undefined;
    }
    return s;
  }

  path(node: Node | undefined, what: string, required: boolean, parent?: Node): string | undefined {
    const s = this.string(node, what, required, parent);
    return s === undefined ? undefined : isAbsolute(s) ? s : resolve(this.base, s);
  }

  /** `{ID: path, ...}`: ids as BuildKit names secrets and agents, paths resolved against the config's directory. */
  pathMap(node: Node | undefined, what: string, example: string): Map<string, string> {
    const out = new Map<string, string>();
    if (node === undefined) return out;
    if (!isMap(node)) {
      this.fail(node, `${what} is not a mapping`, `write ${what}: {${example}}`);
      return out;
    }
    for (const pair of (node as YAMLMap<Node, Node>).items) {
      const id = isScalar(pair.key) ? String(pair.key.value) : "";
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(id)) {
        this.fail(pair.key, `${what} id "${id.slice(0, 80)}" has characters other than letters, digits, ".", "_" and "-"`, `name it as the build's flag does, like ${example.split(":")[0]}`);
        continue;
      }
      const path = this.path(pair.value ?? undefined, `${what}.${id}`, true, pair.key);
      if (path !== undefined) out.set(id, path);
    }
    return out;
  }

  hostPort(node: Node | undefined, what: string, required: boolean): string | undefined {
    const s = node === undefined ? undefined : isScalar(node) && typeof node.value === "number" ? String(node.value) : this.string(node, what, required);
    if (s === undefined) return undefined;
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(s) || Number(s.slice(s.lastIndexOf(":") + 1)) > 65535) {
      this.fail(node, `${what} "${s.slice(0, 80)}" is not host:port`, "write 127.0.0.1:7700 (port 0 picks a free one)");
      return undefined;
    }
    return s;
  }

  count(node: Node | undefined, what: string): number | undefined {
    if (node === undefined) return undefined;
    if (!isScalar(node) || typeof node.value !== "number" || !Number.isSafeInteger(node.value) || node.value < 1) {
      this.fail(node, `${what} is not a whole number of 1 or more`, "write e.g. 2");
      return undefined;
    }
    return node.value;
  }

  size(node: Node | undefined, what: string): number | undefined {
    if (node === undefined) return undefined;
    const raw = isScalar(node) ? String(node.value) : "";
    const m = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(raw);
    const unit = SIZE_UNITS[(m?.[2] ?? "").toUpperCase()];
    const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
    if (!Number.isSafeInteger(bytes) || bytes < 1) {
      this.fail(node, `${what} "${raw.slice(0, 80)}" is not a size`, "write e.g. 500MB, 2GiB or a number of bytes");
      return undefined;
    }
    return bytes;
  }

  duration(node: Node | undefined, what: string): number | undefined {
    if (node === undefined) return undefined;
    const raw = isScalar(node) ? String(node.value) : "";
    let ms = 0;
    const parts = raw.match(/\d+(?:\.\d+)?(?:ms|s|m|h)/g);
    if (parts === null || parts.join("") !== raw) ms = NaN;
    else for (const p of parts) ms += Number(/^[\d.]+/.exec(p)?.[0]) * (DURATION_UNITS[p.replace(/^[\d.]+/, "")] ?? NaN);
    if (!(ms >= 1) || !Number.isFinite(ms)) {
      this.fail(node, `${what} "${raw.slice(0, 80)}" is not a duration`, "write e.g. 30m, 90s or 1h30m");
      return undefined;
    }
    return Math.round(ms);
  }
}
