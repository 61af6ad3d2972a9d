/**
 * The Docker engine's own BuildKit, reached as buildx's `docker` driver
 * reaches it: `POST /grpc` on the engine's API socket, upgraded to h2c, then
 * BuildKit's gRPC API on that connection. `docker buildx dial-stdio` does the
 * same behind a process of its own, which costs a third of a second per
 * build; this is for the builder that is the engine itself, every other
 * builder still goes through dial-stdio.
 */
import { readFileSync } from "node:fs";
import { type Socket, connect as netConnect } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";

/** The engine's API socket unless DOCKER_HOST says otherwise. */
export const DEFAULT_ENGINE_SOCKET = "/var/run/docker.sock";
/** A response head longer than this is not the engine's upgrade. */
const MAX_HEAD_BYTES = 16 << 10;

export interface EngineEnv {
  readonly DOCKER_HOST?: string | undefined;
  readonly DOCKER_CONTEXT?: string | undefined;
  readonly DOCKER_CONFIG?: string | undefined;
  readonly BUILDX_BUILDER?: string | undefined;
}

/**
 * The engine socket when `builder` (undefined: buildx's current builder) is
 * the engine's own on a local unix socket; undefined when it is another
 * builder or another engine, which dial-stdio resolves as buildx does.
 */
export function engineSocketFor(builder: string | undefined, env: EngineEnv = process.env, home = homedir()): string | undefined {
  const config = env.DOCKER_CONFIG || join(home, ".docker");
  const name = builder ?? (env.BUILDX_BUILDER || currentBuilder(config));
  if (name !== "" && name !== "default") return undefined;
  if (env.DOCKER_CONTEXT !== undefined && env.DOCKER_CONTEXT !== "" && env.DOCKER_CONTEXT !== "default") return undefined;
  if (env.DOCKER_HOST) return env.DOCKER_HOST.startsWith("unix://") ? env.DOCKER_HOST.slice("unix://".length) : undefined;
  const context = readJson(join(config, "config.json"))?.["currentContext"];
  if (typeof context === "string" && context !== "" && context !== "default") return undefined;
  return DEFAULT_ENGINE_SOCKET;
}

/** The builder `docker buildx use` chose; "" for the default one. */
function currentBuilder(config: string): string {
  const name = readJson(join(config, "buildx", "current"))?.["Name"];
  return typeof name === "string" ? name : "";
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(path, "utf8"));
    return v !== null && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Pipes `client` (grpc-js's end) to BuildKit through the engine at
 * `socketPath`: what grpc-js writes waits until the engine has answered the
 * upgrade. `onError` gets one line when the engine cannot be reached or
 * refuses; both ends are closed then.
 */
export function pipeToEngine(client: Socket, socketPath: string, onError: (why: string) => void): void {
  client.pause();
  const engine = netConnect(socketPath);
  let failed = false;
  const fail = (why: string) => {
    if (failed) return;
    failed = true;
    onError(why);
    engine.destroy();
    client.destroy();
  };
  engine.on("error", (err: NodeJS.ErrnoException) => fail(`cannot reach the Docker engine at ${socketPath} (${err.code ?? err.message})`));
  engine.write(`POST /grpc HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: 0\r\n\r\n`);
  let head = Buffer.alloc(0);
  let upgraded = false;
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) {
      if (head.length > MAX_HEAD_BYTES) fail(`the Docker engine at ${socketPath} sent no upgrade`);
      return;
    }
    engine.off("data", onData);
    const status = head.subarray(0, head.indexOf("\r\n")).toString("latin1");
    if (!/^HTTP\/1\.[01] 101\b/.test(status)) {
      fail(`the Docker engine at ${socketPath} refused BuildKit's API (${status}): is BuildKit enabled in the engine (docker buildx inspect default)?`);
      return;
    }
    upgraded = true;
    const rest = head.subarray(end + 4);
    if (rest.length > 0) client.write(rest);
    engine.pipe(client);
    client.pipe(engine);
    client.resume();
  };
  engine.on("data", onData);
  engine.on("close", () => (upgraded ? client.destroy() : fail(`the Docker engine at ${socketPath} closed the connection before the upgrade`)));
  client.on("error", () => engine.destroy());
  client.on("close", () => engine.destroy());
}
