/**
 * Join the per-platform images of a multi-platform build (each pushed by
 * digest) into one OCI index, written to every tag through the registry's
 * HTTP API, with the docker config's credentials when it has some. A
 * platform pushed with attestations is an index of its own (its image and an
 * attestation manifest); its entries are lifted into the joined index, images
 * first, as BuildKit orders a multi-platform push.
 */
import { createHash } from "node:crypto";
import { parseNormalizedNamed } from "../llb/image-ref.js";
import { credentialsFor } from "../session/auth.js";

const INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
const INDEX_TYPES = [INDEX_TYPE, "application/vnd.docker.distribution.manifest.list.v2+json"];
const MANIFEST_TYPES = ["application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"];
const HTTP_TIMEOUT_MS = 30_000;
/** A platform's index is a few entries; anything much larger is not what BuildKit pushed. */
const MAX_INDEX_BYTES = 1 << 20;
const REFERENCE_TYPE = "vnd.docker.reference.type";

interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

/** An entry of an index: a descriptor with its platform and annotations. */
interface IndexEntry extends Descriptor {
  readonly platform?: { readonly architecture: string; readonly os: string; readonly variant?: string };
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface PlatformResult {
  readonly platform: string;
  /** The exporter's response: containerimage.digest, and containerimage.descriptor when BuildKit sends it. */
  readonly response: Readonly<Record<string, string>>;
}

/** Push the index to each tag; returns its digest. */
export async function pushIndex(tags: readonly string[], results: readonly PlatformResult[], dockerConfigDir: string): Promise<string> {
  if (tags.length === 0) throw new Error("a multi-platform push needs -t NAME:TAG to name the index");
  const refs = tags.map((t) => parseNormalizedNamed(t));
  const first = refs[0];
  if (first === undefined) throw new Error("no tag");
  const registry = new Registry(first.domain, dockerConfigDir);
  const images: IndexEntry[] = [];
  const attestations: IndexEntry[] = [];
  for (const r of [...results].sort((a, b) => (a.platform < b.platform ? -1 : 1))) {
    const digest = r.response["containerimage.digest"];
    if (digest === undefined) throw new Error(`the ${r.platform} image has no digest in the exporter's response`);
    const desc = descriptorOf(r.response) ?? (await registry.head(first.path, digest));
    if (INDEX_TYPES.includes(desc.mediaType)) {
      for (const entry of await registry.index(first.path, desc)) (entry.annotations?.[REFERENCE_TYPE] === "attestation-manifest" ? attestations : images).push(entry);
    } else {
      const [os = "", architecture = "", variant] = r.platform.split("/");
      images.push({ mediaType: desc.mediaType, digest: desc.digest, size: desc.size, platform: { architecture, os, ...(variant ? { variant } : {}) } });
    }
  }
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: INDEX_TYPE, manifests: [...images, ...attestations] }));
  for (const ref of refs) {
    if (ref.domain !== first.domain) throw new Error(`tags ${tags.join(", ")} name two registries: push a multi-platform build to one`);
    await registry.put(ref.path, ref.tag ?? "latest", body);
  }
  return `sha256:${createHash("sha256").update(body).digest("hex")}`;
}

function isEntry(m: unknown): m is IndexEntry {
  const d = m as Partial<IndexEntry> | null;
  return typeof d === "object" && d !== null && typeof d.mediaType === "string" && typeof d.digest === "string" && typeof d.size === "number";
}

function descriptorOf(response: Readonly<Record<string, string>>): Descriptor | undefined {
  const raw = response["containerimage.descriptor"];
  if (raw === undefined) return undefined;
  try {
    const d = JSON.parse(Buffer.from(raw, "base64").toString("utf8")) as Partial<Descriptor>;
    if (typeof d.mediaType === "string" && typeof d.digest === "string" && typeof d.size === "number") return { mediaType: d.mediaType, digest: d.digest, size: d.size };
  } catch {
    // Not the shape we know: ask the registry instead.
  }
  return undefined;
}

/** The registry API with basic credentials and the bearer-token challenge. */
class Registry {
  private readonly base: string;
  private token: string | undefined;

  constructor(
    private readonly domain: string,
    private readonly dockerConfigDir: string,
  ) {
    const host = domain === "docker.io" ? "registry-1.docker.io" : domain;
    const loopback = /^(localhost|127\.[0-9.]+|\[::1\])(:\d+)?$/.test(host);
    this.base = `${loopback ? "http" : "https"}://${host}`;
  }

  async head(path: string, digest: string): Promise<Descriptor> {
    const res = await this.fetch("HEAD", `/v2/${path}/manifests/${digest}`, { accept: [...MANIFEST_TYPES, ...INDEX_TYPES].join(", ") });
    if (!res.ok) throw new Error(`HEAD ${path}@${digest}: HTTP ${res.status}`);
    return { mediaType: res.headers.get("content-type") ?? MANIFEST_TYPES[0]!, digest, size: Number(res.headers.get("content-length") ?? 0) };
  }

  /** The entries of the index `desc` names, checked against its digest. */
  async index(path: string, desc: Descriptor): Promise<IndexEntry[]> {
    const res = await this.fetch("GET", `/v2/${path}/manifests/${desc.digest}`, { accept: INDEX_TYPES.join(", ") });
    if (!res.ok) throw new Error(`GET ${path}@${desc.digest}: HTTP ${res.status}`);
    const body = Buffer.from(await res.arrayBuffer());
    if (body.length > MAX_INDEX_BYTES) throw new Error(`${path}@${desc.digest} is an index of ${body.length} bytes: not one platform's image and attestations`);
    if (`sha256:${createHash("sha256").update(body).digest("hex")}` !== desc.digest) throw new Error(`${path}@${desc.digest}: the registry sent an index with another digest`);
    const manifests = (JSON.parse(body.toString("utf8")) as { manifests?: unknown }).manifests;
    if (!Array.isArray(manifests) || !manifests.every(isEntry)) throw new Error(`${path}@${desc.digest}: the index has no list of manifests`);
    return manifests;
  }

  async put(path: string, tag: string, body: Buffer): Promise<void> {
    const res = await this.fetch("PUT", `/v2/${path}/manifests/${tag}`, { "content-type": INDEX_TYPE }, body);
    if (!res.ok) throw new Error(`PUT ${this.domain}/${path}:${tag}: HTTP ${res.status} ${(await res.text()).slice(0, 200).replace(/\s+/g, " ")}`);
  }

  private async fetch(method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<Response> {
    const send = () =>
      fetch(this.base + url, {
        method,
        headers: { ...headers, ...(this.token ? { authorization: this.token } : {}) },
        ...(body ? { body } : {}),
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      });
    let res = await send();
    if (res.status === 401 && this.token === undefined) {
      this.token = await this.authorize(res.headers.get("www-authenticate") ?? "");
      if (this.token !== undefined) res = await send();
    }
    return res;
  }

  private async authorize(challenge: string): Promise<string | undefined> {
    const creds = await credentialsFor(this.domain, this.dockerConfigDir).catch(() => ({ username: "", secret: "" }));
    const basic = creds.username !== "" || creds.secret !== "" ? `Basic ${Buffer.from(`${creds.username}:${creds.secret}`).toString("base64")}` : undefined;
    if (/^Basic/i.test(challenge)) return basic;
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!/^Bearer/i.test(challenge) || params["realm"] === undefined) return basic;
    const q = new URLSearchParams();
    if (params["service"]) q.set("service", params["service"]);
    if (params["scope"]) q.set("scope", params["scope"]);
    const res = await fetch(`${params["realm"]}?${q}`, { headers: basic ? { authorization: basic } : {}, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`the registry's token service said HTTP ${res.status}: check the credentials in the docker config`);
    const json = (await res.json()) as { token?: string; access_token?: string };
    const token = json.token ?? json.access_token;
    return token ? `Bearer ${token}` : undefined;
  }
}
