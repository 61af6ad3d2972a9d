/**
 * Join the per-platform images of a multi-platform build (each pushed by
 * digest) into one OCI index, written to every tag through the registry's
 * HTTP API, with the docker config's credentials when it has some.
 */
import { createHash } from "node:crypto";
import { parseNormalizedNamed } from "../llb/image-ref.js";
import { credentialsFor } from "../session/auth.js";

const INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
const MANIFEST_TYPES = ["application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"];
const HTTP_TIMEOUT_MS = 30_000;

interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
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
  const manifests = [];
  for (const r of [...results].sort((a, b) => (a.platform < b.platform ? -1 : 1))) {
    const digest = r.response["containerimage.digest"];
    if (digest === undefined) throw new Error(`the ${r.platform} image has no digest in the exporter's response`);
    const desc = descriptorOf(r.response) ?? (await registry.head(first.path, digest));
    const [os = "", architecture = "", variant] = r.platform.split("/");
    manifests.push({ mediaType: desc.mediaType, digest: desc.digest, size: desc.size, platform: { architecture, os, ...(variant ? { variant } : {}) } });
  }
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: INDEX_TYPE, manifests }));
  for (const ref of refs) {
    if (ref.domain !== first.domain) throw new Error(`tags ${tags.join(", ")} name two registries: push a multi-platform build to one`);
    await registry.put(ref.path, ref.tag ?? "latest", body);
  }
  return `sha256:${createHash("sha256").update(body).digest("hex")}`;
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
    const res = await this.fetch("HEAD", `/v2/${path}/manifests/${digest}`, { accept: MANIFEST_TYPES.join(", ") });
    if (!res.ok) throw new Error(`HEAD ${path}@${digest}: HTTP ${res.status}`);
    return { mediaType: res.headers.get("content-type") ?? MANIFEST_TYPES[0]!, digest, size: Number(res.headers.get("content-length") ?? 0) };
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
