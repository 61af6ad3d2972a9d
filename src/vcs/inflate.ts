/** zlib, bounded: git's objects are deflate streams, and a hostile one may claim or inflate to any size. */
import { constants, inflateSync } from "node:zlib";
import { GitObjectError } from "./git-error.js";

/**
 * At most `maxBytes` inflated from the start of `data`; bytes after the
 * stream's end are ignored (in a pack the next object follows), and a stream
 * cut short gives what it holds so far.
 */
export function inflateAtMost(data: Uint8Array, maxBytes: number, what: string): Uint8Array {
  try {
    return inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: Math.max(1, maxBytes) });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === "ERR_BUFFER_TOO_LARGE") throw new GitObjectError(`${what} inflates to more than ${maxBytes} bytes`);
    throw new GitObjectError(`${what} is not a zlib stream (${code === undefined ? String(err) : String(code)})`);
  }
}
