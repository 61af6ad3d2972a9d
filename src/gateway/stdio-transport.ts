/**
 * BuildKit serves the LLBBridge as HTTP/2 over the frontend's stdin/stdout.
 * @grpc/grpc-js always opens its own socket and cannot be handed a stream
 * (grpc-node issue #2038), so we listen on a private unix socket, pipe the
 * first connection to stdio, and let grpc-js dial that socket.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

/** A grpc-js target that reaches the gateway, and a way to tear the bridge down. */
export interface StdioBridge {
  /** `unix:<path>` for grpc-js. */
  readonly target: string;
  /** Resolves (or rejects) when the bridged connection ends. */
  readonly closed: Promise<void>;
  close(): void;
}

/**
 * Bridge exactly one socket connection to `input`/`output` (stdin/stdout in
 * a frontend). A second connection means grpc-js reconnected after losing
 * the first, which stdio cannot serve: it is refused, and `closed` rejects.
 */
export async function bridgeStdio(input: Readable, output: Writable): Promise<StdioBridge> {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-"));
  const path = join(dir, "gateway.sock");
  let conn: Socket | undefined;
  let settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const closed = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  closed.catch(() => {}); // callers that never await it must not see an unhandled rejection

  const server = createServer((sock) => {
    if (conn !== undefined) {
      sock.destroy();
      settle?.reject(new Error("gateway connection was lost: stdio carries a single connection"));
      return;
    }
    conn = sock;
    input.pipe(sock);
    sock.pipe(output, { end: false });
    sock.on("close", () => settle?.resolve());
    sock.on("error", (err) => settle?.reject(err));
    input.on("end", () => settle?.reject(new Error("gateway closed the frontend's stdin")));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, resolve);
  });

  return {
    target: `unix:${path}`,
    closed,
    close() {
      conn?.destroy();
      server.close();
      input.unpipe();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
