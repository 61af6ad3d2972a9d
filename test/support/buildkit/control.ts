/**
 * The least of a Control client the session tests need: a grpc-js channel to a
 * BuildKit socket (a standalone buildkitd's, or the engine's through
 * `docker buildx dial-stdio` bridged to a unix socket) and one Solve call.
 * The product's client lives in src/client.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { Client, credentials, type ServiceError } from "@grpc/grpc-js";
import { Control, type SolveResponse, SolveRequestSchema, SolveResponseSchema } from "../../../src/gen/control/control_pb.js";

export function controlClient(socketPath: string): Client {
  return new Client(`unix:${socketPath}`, credentials.createInsecure(), {
    "grpc.max_receive_message_length": 16 << 20,
    "grpc.max_send_message_length": 16 << 20,
  });
}

export function solve(client: Client, req: MessageInitShape<typeof SolveRequestSchema>): Promise<SolveResponse> {
  const path = `/${Control.typeName}/${Control.method.solve.name}`;
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      path,
      (m: MessageInitShape<typeof SolveRequestSchema>) => Buffer.from(toBinary(SolveRequestSchema, create(SolveRequestSchema, m))),
      (b: Buffer) => fromBinary(SolveResponseSchema, b),
      req,
      (err: ServiceError | null, res?: SolveResponse) => (err ? reject(new Error(`Solve: ${err.details || err.message}`)) : resolve(res!)),
    );
  });
}

/** A unix socket whose every connection is a `docker buildx dial-stdio` to the engine's BuildKit. */
export async function engineSocket(): Promise<{ path: string; close(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-engine-"));
  const path = join(dir, "buildkit.sock");
  const children = new Set<ReturnType<typeof spawn>>();
  const server: Server = createServer((sock) => {
    const child = spawn("docker", ["buildx", "dial-stdio"], { stdio: ["pipe", "pipe", "ignore"] });
    children.add(child);
    sock.pipe(child.stdin!);
    child.stdout!.pipe(sock);
    sock.on("close", () => child.kill());
    sock.on("error", () => child.kill());
    child.on("exit", () => {
      children.delete(child);
      sock.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(path, resolve));
  return {
    path,
    close() {
      for (const c of children) c.kill();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
