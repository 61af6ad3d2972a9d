/** `slimgo serve`: the build service in front of a pool of BuildKit nodes. */
import { readFileSync } from "node:fs";
import type { Server as HttpServer } from "node:http";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import type pino from "pino";
import { Authenticator } from "./auth.js";
import { type ServeConfig, ServeConfigError } from "./config.js";
import { buildsDefinition, buildsImplementation } from "./grpc-service.js";
import { healthDefinition, healthImplementation } from "./health.js";
import { reflection } from "./reflection.js";
import { Builds, file_slimgo_v1_builds } from "../gen/slimgo/v1/builds_pb.js";
import { ServeMetrics, serveMetrics } from "./metrics.js";
import { BuildService } from "./service.js";
import { Store } from "./store.js";

export { loadServeConfig, parseServeConfig, ServeConfigError, type ServeConfig } from "./config.js";

/** Upload chunks are at most this big (the client sends 64 KiB). */
const MAX_MESSAGE_BYTES = 4 << 20;

export interface RunningServer {
  /** host:port the gRPC listener is bound to. */
  readonly address: string;
  readonly metricsAddress?: string;
  close(): Promise<void>;
}

export async function startServer(config: ServeConfig, log: pino.Logger): Promise<RunningServer> {
  const creds = serverCredentials(config);
  const store = new Store(config.state, config.limits.eventsPerBuild);
  const metrics = new ServeMetrics();
  const service = new BuildService(config, store, metrics, log);
  let metricsServer: HttpServer | undefined;
  const server = new Server({ "grpc.max_receive_message_length": MAX_MESSAGE_BYTES, "grpc.max_send_message_length": 16 << 20 });
  try {
    await service.start();
    server.addService(buildsDefinition(), buildsImplementation(service, new Authenticator(config.tenants), log));
    server.addService(healthDefinition, healthImplementation);
    const reflect = reflection([Builds.typeName, "grpc.health.v1.Health"], [file_slimgo_v1_builds]);
    for (const [, def] of reflect.definitions) server.addService(def, reflect.implementation);
    const port = await new Promise<number>((resolve, reject) => server.bindAsync(config.listen, creds, (err, p) => (err ? reject(err) : resolve(p))));
    const host = config.listen.slice(0, config.listen.lastIndexOf(":"));
    const address = `${host}:${port}`;
    let metricsAddress: string | undefined;
    if (config.metrics !== undefined) {
      const m = await serveMetrics(metrics, config.metrics);
      metricsServer = m.server;
      metricsAddress = m.address;
    }
    log.info({ address, metrics: metricsAddress, nodes: config.nodes.length, tenants: config.tenants.length }, "slimgo serve listening");
    return {
      address,
      ...(metricsAddress !== undefined ? { metricsAddress } : {}),
      async close() {
        service.stop();
        await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
        server.forceShutdown();
        await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
        metricsServer?.closeAllConnections();
        store.close();
      },
    };
  } catch (err) {
    service.stop();
    server.forceShutdown();
    metricsServer?.close();
    store.close();
    throw err;
  }
}

function serverCredentials(config: ServeConfig): ServerCredentials {
  if (config.tls === undefined) return ServerCredentials.createInsecure();
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ServeConfigError([`${config.file}: tls.${what} ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): give the path of a PEM file`]);
    }
  };
  const ca = config.tls.clientCA !== undefined ? read(config.tls.clientCA, "clientCA") : null;
  return ServerCredentials.createSsl(ca, [{ private_key: read(config.tls.key, "key"), cert_chain: read(config.tls.cert, "cert") }], ca !== null);
}
