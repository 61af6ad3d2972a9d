/** What can be wrong with a gateway reply, each named so the user (or whoever runs the daemon) can act on it. */

/** A reply that breaks the gateway protocol: a negative size, more bytes than asked, a missing field. */
export class GatewayReplyError extends Error {
  override name = "GatewayReplyError";
  constructor(
    readonly method: string,
    what: string,
  ) {
    super(`BuildKit's ${method} reply ${what}`);
  }
}

/** A file larger than slimgo reads into memory. */
export class FileTooLargeError extends Error {
  override name = "FileTooLargeError";
  constructor(
    readonly path: string,
    readonly limit: number,
  ) {
    super(`${path} is larger than ${formatLimit(limit)}, the most slimgo reads of it`);
  }
}

/** An image whose config (from ResolveImageConfig) is not a usable OCI image config. */
export class ImageConfigError extends Error {
  override name = "ImageConfigError";
  constructor(
    readonly ref: string,
    what: string,
  ) {
    super(`image ${ref} has a config slimgo cannot use: ${what}`);
  }
}

export function formatLimit(bytes: number): string {
  if (bytes >= 1 << 30 && bytes % (1 << 30) === 0) return `${bytes / (1 << 30)} GiB`;
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1 << 10 && bytes % (1 << 10) === 0) return `${bytes / (1 << 10)} KiB`;
  return `${bytes} bytes`;
}
