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
  let conn: Socket | undefined;
  let settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const closed = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  closed.catch(() => {}); // callers that never await it must not see an unhandled rejection

  const socket = await privateSocket((sock) => {
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

  return {
    target: socket.target,
    closed,
    close() {
      conn?.destroy();
      socket.close();
      input.unpipe();
    },
  };
}

/** A unix socket in a directory of our own, for grpc-js to dial; each connection goes to `onConnection`. */
export interface PrivateSocket {
  /** `unix:<path>` for grpc-js. */
  readonly target: string;
  /** Stop listening and remove the directory. */
  close(): void;
}

export async function privateSocket(onConnection: (sock: Socket) => void): Promise<PrivateSocket> {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-"));
  const path = join(dir, "gateway.sock");
  const server = createServer(onConnection);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, resolve);
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    target: `unix:${path}`,
    close() {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
