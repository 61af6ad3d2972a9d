/**
 * moby.sshforward.v1.SSH: BuildKit checks that an agent id exists
 * (CheckAgent) and opens one ForwardAgent stream per connection a build step
 * makes to its SSH socket; the id comes in the `buildkit.ssh.id` header, and
 * the stream's bytes are piped to the agent's unix socket. "default" with no
 * paths means $SSH_AUTH_SOCK.
 */
import { connect, type Socket } from "node:net";
import { status } from "@grpc/grpc-js";
import { fromBinary, toBinary, create } from "@bufbuild/protobuf";
import { BytesMessageSchema, SSH } from "../gen/session/ssh_pb.js";
import { incoming } from "./call-stream.js";
import { type ServedMethod, StatusError, header, rawBidi, unary, write } from "./grpc-service.js";

export type SshAgents = ReadonlyMap<string, readonly string[]>;

/** The agent sockets for `id` ("" is "default"); NotFound when the client was not given it. */
export function agentSockets(agents: SshAgents, rawId: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const id = rawId === "" ? "default" : rawId;
  const paths = agents.get(id);
  if (paths === undefined) throw new StatusError(status.NOT_FOUND, `unset ssh forward key ${id}: pass --ssh ${id}[=SOCKET]`);
  if (paths.length > 0) return [...paths];
  const sock = env["SSH_AUTH_SOCK"];
  if (sock === undefined || sock === "") throw new StatusError(status.NOT_FOUND, `ssh ${id}: SSH_AUTH_SOCK is not set: start an agent (eval $(ssh-agent)) or pass --ssh ${id}=SOCKET`);
  return [sock];
}

async function dial(paths: readonly string[]): Promise<Socket> {
  let last: Error | undefined;
  for (const path of paths) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const sock = connect(path);
        sock.once("connect", () => resolve(sock));
        sock.once("error", reject);
      });
    } catch (err) {
      last = err instanceof Error ? err : new Error(String(err));
    }
  }
  throw new StatusError(status.UNAVAILABLE, `cannot reach the ssh agent at ${paths.join(", ")}: ${last?.message ?? "no socket"}`);
}

export function sshServices(agents: SshAgents): ServedMethod[] {
  const check = unary(SSH.method.checkAgent, async (req) => {
    agentSockets(agents, req.ID);
    return {};
  });
  const forwardPath = `/${SSH.typeName}/${SSH.method.forwardAgent.name}`;
  const forward = rawBidi(forwardPath, async (call) => {
    const sock = await dial(agentSockets(agents, header(call.metadata, "buildkit.ssh.id")));
    const toAgent = (async () => {
      try {
        for await (const b of incoming(call)) {
          const { data } = fromBinary(BytesMessageSchema, b);
          if (!sock.write(data)) await new Promise<void>((resolve) => sock.once("drain", () => resolve()));
        }
        sock.end();
      } catch {
        sock.destroy();
      }
    })();
    const fromAgent = new Promise<void>((resolve, reject) => {
      sock.on("data", (chunk: Buffer) => {
        sock.pause();
        write(call, Buffer.from(toBinary(BytesMessageSchema, create(BytesMessageSchema, { data: chunk })))).then(
          () => sock.resume(),
          (err: unknown) => {
            sock.destroy();
            reject(err);
          },
        );
      });
      sock.once("end", () => resolve());
      sock.once("close", () => resolve());
      sock.once("error", reject);
    });
    await Promise.all([toAgent, fromAgent]);
  });
  return [check, forward];
}
