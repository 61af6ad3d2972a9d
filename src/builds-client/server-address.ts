/** Where `slimgo serve` listens, as the client commands name it: `tcp://HOST:PORT` (plaintext) or `tls://HOST:PORT`. */
import { readFileSync } from "node:fs";
import { type ChannelCredentials, credentials } from "@grpc/grpc-js";
import { readPem } from "../client/connect.js";

/** A service that cannot be named, reached or trusted, or a missing token: one line with the fix. */
export class ServerError extends Error {
  override name = "ServerError";
}

export interface ServerTls {
  /** CA bundle the service's certificate is checked against (default: the system's). */
  readonly ca?: string | undefined;
  /** A client certificate and key, for a service that maps certificates to tenants. */
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
}

export interface ServerAddress {
  readonly url: string;
  /** host:port as grpc-js dials it. */
  readonly target: string;
  readonly tls: boolean;
}

export function parseServerUrl(url: string): ServerAddress {
  const m = /^(tcp|tls):\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]+):(\d{1,5})\/?$/.exec(url);
  const port = Number(m?.[3]);
  if (!m || port < 1 || port > 65535) {
    throw new ServerError(`--server ${url}: write tcp://HOST:PORT for plaintext or tls://HOST:PORT for TLS, like tcp://127.0.0.1:7700`);
  }
  return { url, target: `${m[2]}:${port}`, tls: m[1] === "tls" };
}

export function serverCredentials(address: ServerAddress, tls: ServerTls): ChannelCredentials {
  const given = tls.ca ?? tls.cert ?? tls.key;
  if (!address.tls) {
    if (given !== undefined) throw new ServerError(`--server-ca, --server-cert and --server-key need a tls:// address, not ${address.url}`);
    return credentials.createInsecure();
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) throw new ServerError("a client certificate needs both --server-cert and --server-key");
  return credentials.createSsl(readPem(tls.ca, "--server-ca"), readPem(tls.key, "--server-key"), readPem(tls.cert, "--server-cert"));
}

/**
 * The bearer token: `--token-file FILE` (first line), else SLIMGO_TOKEN;
 * undefined when neither is set (a client certificate may stand in for it).
 */
export function readToken(tokenFile: string | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (tokenFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(tokenFile, "utf8");
    } catch (err) {
      throw new ServerError(`--token-file ${tokenFile}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const token = text.split(/\r?\n/, 1)[0]?.trim() ?? "";
    if (token === "") throw new ServerError(`--token-file ${tokenFile}: the file is empty: write the tenant's token on its first line`);
    return token;
  }
  const fromEnv = env["SLIMGO_TOKEN"]?.trim();
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
}
