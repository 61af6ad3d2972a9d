/** The service as its own process, for tests: prints {"address", "metrics"} on stdout once it listens; SIGTERM stops it. */
import { pino } from "pino";
import { loadServeConfig, startServer } from "../../../src/serve/index.js";

const config = loadServeConfig(process.argv[2] ?? "serve.yaml");
const server = await startServer(config, pino({ level: process.env["SLIMGO_LOG_LEVEL"] ?? "info" }, pino.destination({ fd: 2, sync: true })));
process.stdout.write(`${JSON.stringify({ address: server.address, metrics: server.metricsAddress })}\n`);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
