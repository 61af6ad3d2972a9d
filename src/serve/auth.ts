/**
 * Who is calling: a bearer token (compared by its sha256, as the config
 * stores it) or, over mTLS, the client certificate's CN or a SAN that a
 * tenant lists in certNames.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { PeerCertificate } from "node:tls";
import type { Metadata } from "@grpc/grpc-js";
import type { TenantConfig } from "./config.js";

export class Authenticator {
  private readonly byToken: ReadonlyArray<readonly [Buffer, TenantConfig]>;
  private readonly byCert = new Map<string, TenantConfig>();

  constructor(tenants: readonly TenantConfig[]) {
    this.byToken = tenants.flatMap((t) => t.tokenSha256.map((h) => [Buffer.from(h, "hex"), t] as const));
    for (const t of tenants) for (const n of t.certNames) this.byCert.set(n, t);
  }

  /** The caller's tenant, or undefined (the call then gets UNAUTHENTICATED). */
  tenant(metadata: Metadata, cert?: PeerCertificate): TenantConfig | undefined {
    const header = metadata.get("authorization")[0];
    if (typeof header === "string") {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (m === null) return undefined;
      const hash = createHash("sha256").update(m[1] ?? "").digest();
      // Every hash is compared, in constant time: the time taken says nothing about which tenant nearly matched.
      let found: TenantConfig | undefined;
      for (const [h, t] of this.byToken) if (timingSafeEqual(h, hash)) found = t;
      return found;
    }
    if (cert === undefined || cert.subject === undefined) return undefined;
    for (const name of certNames(cert)) {
      const t = this.byCert.get(name);
      if (t !== undefined) return t;
    }
    return undefined;
  }
}

/** A certificate's CN and its DNS, URI and email SANs. */
export function certNames(cert: PeerCertificate): string[] {
  const names: string[] = [];
  const cn = cert.subject?.CN;
  if (typeof cn === "string") names.push(cn);
  else if (Array.isArray(cn)) names.push(...(cn as string[]));
  for (const san of (cert.subjectaltname ?? "").split(/,\s*/)) {
    const m = /^(?:DNS|URI|email|IP Address):(.+)$/.exec(san);
    if (m?.[1]) names.push(m[1]);
  }
  return names;
}
