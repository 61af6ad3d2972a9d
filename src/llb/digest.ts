/** Content digests in the form BuildKit uses for op ids. */
import { createHash } from "node:crypto";

/** `sha256:<hex>` of the bytes, as go-digest's `digest.FromBytes`. */
export function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}
