/** `slimgo serve --config FILE`: run the build service until SIGTERM or SIGINT, logging JSON lines to stderr. */
import { parseArgs } from "node:util";
import { pino } from "pino";
import { ServeConfigError, loadServeConfig, startServer } from "../serve/index.js";

export const SERVE_USAGE = `usage: slimgo serve --config FILE

Run the slimgo build service: a queue of builds in front of a pool of BuildKit nodes (docs/serve.md).
Logs are JSON lines on stderr (SLIMGO_LOG_LEVEL: info by default). SIGTERM or SIGINT stops it.
`;

/** A stop that takes longer than this is cut short: the queue is persisted, so a restart resumes it. */
const STOP_TIMEOUT_MS = 30_000;

export async function serveCommand(argv: readonly string[], io: { out: (s: string) => void; err: (s: string) => void; env: NodeJS.ProcessEnv }): Promise<number> {
  let config: string | undefined;
  try {
    const { values } = parseArgs({ args: [...argv], options: { config: { type: "string", short: "c" }, help: { type: "boolean", short: "h" } } });
    if (values.help) {
      io.out(SERVE_USAGE);
      return 0;
    }
    config = values.config;
  } catch (e) {
    io.err(`slimgo serve: ${(e as Error).message}\n\n${SERVE_USAGE}`);
    return 2;
  }
  if (config === undefined) {
    io.err(`slimgo serve: name the config with --config FILE\n\n${SERVE_USAGE}`);
    return 2;
  }
  let settings;
  try {
    settings = loadServeConfig(config);
  } catch (e) {
    if (!(e instanceof ServeConfigError)) throw e;
    io.err(`${e.message}\n`);
    return 1;
  }
  const log = pino({ name: "slimgo-serve", level: io.env["SLIMGO_LOG_LEVEL"] ?? "info" }, pino.destination({ fd: 2, sync: true }));
  let server;
  try {
    server = await startServer(settings, log);
  } catch (e) {
    if (!(e instanceof ServeConfigError)) throw e;
    io.err(`${e.message}\n`);
    return 1;
  }
  const signal = await new Promise<NodeJS.Signals>((ok) => {
    process.once("SIGTERM", () => ok("SIGTERM"));
    process.once("SIGINT", () => ok("SIGINT"));
  });
  log.info({ signal }, "slimgo serve stopping");
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([server.close().then(() => false), new Promise<boolean>((ok) => (timer = setTimeout(() => ok(true), STOP_TIMEOUT_MS)))]);
  clearTimeout(timer);
  if (timedOut) log.warn({ timeoutMs: STOP_TIMEOUT_MS }, "slimgo serve did not stop in time; its queue resumes on restart");
  else log.info("slimgo serve stopped");
  return 0;
}
