/** Where a BuildKit node is: `unix://PATH`, `tcp://HOST:PORT` (mTLS) or `docker-buildx://[BUILDER]`. */

export const DEFAULT_SOCKET = "unix:///run/buildkit/buildkitd.sock";

/** Client certificate files for mTLS, as buildctl's --tlscacert, --tlscert and --tlskey. */
export interface TlsFiles {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** The name to check the server's certificate against (default: the host). */
  readonly serverName?: string;
}

export type Address =
  | { readonly kind: "unix"; readonly url: string; readonly path: string }
  | { readonly kind: "tcp"; readonly url: string; readonly host: string; readonly port: number; readonly tls?: TlsFiles }
  /** The node behind `docker buildx dial-stdio`: the engine's own BuildKit for the `docker` driver. `builder` unset: the current builder. */
  | { readonly kind: "docker-buildx"; readonly url: string; readonly builder?: string };

/** A node that cannot be named, reached or trusted: one line saying what and how to fix it. */
export class ConnectError extends Error {
  override name = "ConnectError";
}

/** Parse `--addr` (or BUILDKIT_HOST). */
export function parseAddress(url: string, tls?: TlsFiles): Address {
  const m = /^([a-z][a-z0-9+-]*):\/\/(.*)$/.exec(url);
  if (!m) throw new ConnectError(`address "${url}" has no scheme: write unix:///path/to/buildkitd.sock, tcp://host:port or docker-buildx://[builder]`);
  const [, scheme, rest = ""] = m;
  const hasTls = tls !== undefined && (tls.ca ?? tls.cert ?? tls.key) !== undefined;
  if (scheme !== "tcp" && hasTls) throw new ConnectError(`--tlscacert, --tlscert and --tlskey apply to tcp:// addresses only, not ${url}`);
  switch (scheme) {
    case "unix":
      if (!rest.startsWith("/")) throw new ConnectError(`address "${url}" needs an absolute socket path: unix:///run/buildkit/buildkitd.sock`);
      return { kind: "unix", url, path: rest };
    case "tcp": {
      const hp = /^(\[[0-9a-fA-F:.]+\]|[^:/[\]]+):(\d{1,5})\/?$/.exec(rest);
      const port = Number(hp?.[2]);
      if (!hp || port < 1 || port > 65535) throw new ConnectError(`address "${url}" needs a host and a port: tcp://10.0.0.5:1234`);
      const host = hp[1] ?? "";
      if (tls && (tls.cert === undefined) !== (tls.key === undefined)) {
        throw new ConnectError(`a client certificate needs both --tlscert and --tlskey (for ${url})`);
      }
      return hasTls || tls?.serverName ? { kind: "tcp", url, host, port, tls: tls ?? {} } : { kind: "tcp", url, host, port };
    }
    case "docker-buildx": {
      const builder = rest.replace(/\/$/, "");
      if (builder !== "" && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(builder)) {
        throw new ConnectError(`builder name "${builder}" in ${url} is not valid: use a name \`docker buildx ls\` lists`);
      }
      return builder === "" ? { kind: "docker-buildx", url } : { kind: "docker-buildx", url, builder };
    }
    default:
      throw new ConnectError(`address scheme "${scheme}" is not supported: use unix://, tcp:// or docker-buildx://`);
  }
}

export interface AddressChoice {
  /** `--addr URL`. */
  readonly addr?: string | undefined;
  /** `--builder NAME`. */
  readonly builder?: string | undefined;
  readonly tls?: TlsFiles | undefined;
  /** BUILDKIT_HOST. */
  readonly buildkitHost?: string | undefined;
  /** Whether `docker` is on PATH. */
  readonly dockerOnPath: boolean;
}

/**
 * `--addr`, else `--builder`, else the current buildx builder when docker is
 * installed, else BUILDKIT_HOST, else buildkitd's default socket.
 */
export function chooseAddress(c: AddressChoice): Address {
  if (c.addr !== undefined && c.builder !== undefined) throw new ConnectError("--addr and --builder name two different nodes: pass one of them");
  if (c.addr !== undefined) return parseAddress(c.addr, c.tls);
  if (c.builder !== undefined) return parseAddress(`docker-buildx://${c.builder}`, c.tls);
  if (c.dockerOnPath) return parseAddress("docker-buildx://", c.tls);
  if (c.buildkitHost !== undefined && c.buildkitHost !== "") return parseAddress(c.buildkitHost, c.tls);
  return parseAddress(DEFAULT_SOCKET, c.tls);
}
