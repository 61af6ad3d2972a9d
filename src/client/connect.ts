/** A grpc-js channel to a BuildKit node, whatever its address kind. */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import type { Client } from "@grpc/grpc-js";
import { credentials } from "@grpc/grpc-js";
import { grpcClient } from "../gateway/rpc.js";
import { privateSocket } from "../gateway/stdio-transport.js";
import { type Address, ConnectError, type TlsFiles } from "./address.js";
import { engineSocketFor, pipeToEngine } from "./engine-socket.js";

/** Keep at most this much of a dial-stdio process's stderr, for error messages. */
const STDERR_KEEP = 4096;

export interface Connection {
  readonly address: Address;
  /** One channel: Control calls, the session and the in-process frontend share it. */
  readonly client: Client;
  /** What the transport itself said about a failure (docker buildx dial-stdio's stderr), or "". */
  transportError(): string;
  close(): void;
}

export function connect(address: Address): Promise<Connection> {
  switch (address.kind) {
    case "unix":
      return Promise.resolve(direct(address, `unix:${address.path}`));
    case "tcp":
      return Promise.resolve(direct(address, `${address.host}:${address.port}`, address.tls));
    case "docker-buildx": {
      const engine = engineSocketFor(address.builder);
      return engine !== undefined && existsSync(engine) ? viaEngine(address, engine) : dialStdio(address);
    }
  }
}

/** The engine's own BuildKit over its API socket (engine-socket.ts): no dial-stdio process. */
async function viaEngine(address: Address, engineSocket: string): Promise<Connection> {
  let why = "";
  const socket = await privateSocket((sock) => pipeToEngine(sock, engineSocket, (w) => (why = w)));
  const client = grpcClient(socket.target);
  return {
    address,
    client,
    transportError: () => why,
    close() {
      client.close();
      socket.close();
    },
  };
}

function direct(address: Address, target: string, tls?: TlsFiles): Connection {
  const creds = tls === undefined ? credentials.createInsecure() : credentials.createSsl(readPem(tls.ca, "--tlscacert"), readPem(tls.key, "--tlskey"), readPem(tls.cert, "--tlscert"));
  const client = grpcClient(target, creds, tls?.serverName ? { "grpc.ssl_target_name_override": tls.serverName, "grpc.default_authority": tls.serverName } : {});
  return { address, client, transportError: () => "", close: () => client.close() };
}

/** A PEM file named by `flag`, or one line saying why it cannot be read. */
export function readPem(path: string | undefined, flag: string): Buffer | null {
  if (path === undefined) return null;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConnectError(`${flag} ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): pass the path of a PEM file`);
  }
}

/**
 * `docker buildx dial-stdio [--builder B]` speaks BuildKit's API on its
 * stdio; grpc-js can only dial sockets, so every connection to a private
 * socket gets a dial-stdio process of its own, piped both ways.
 */
async function dialStdio(address: Address & { kind: "docker-buildx" }): Promise<Connection> {
  const children = new Set<ChildProcess>();
  let stderr = "";
  const socket = await privateSocket((sock) => {
    const args = ["buildx", "dial-stdio", ...(address.builder ? ["--builder", address.builder] : [])];
    const child = spawn("docker", args, { stdio: ["pipe", "pipe", "pipe"] });
    children.add(child);
    child.stdout.pipe(sock);
    sock.pipe(child.stdin);
    child.stderr.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-STDERR_KEEP)));
    child.on("error", (err) => {
      stderr += (err as NodeJS.ErrnoException).code === "ENOENT" ? "docker is not installed (not on PATH)" : err.message;
      sock.destroy();
    });
    child.on("exit", () => {
      children.delete(child);
      sock.destroy();
    });
    sock.on("error", () => child.kill());
    sock.on("close", () => child.stdin.end());
  });
  const client = grpcClient(socket.target);
  return {
    address,
    client,
    transportError: () => stderr.trim().split("\n").filter(Boolean).pop()?.replace(/^ERROR:\s*/, "") ?? "",
    close() {
      client.close();
      for (const child of children) child.kill();
      socket.close();
    },
  };
}
