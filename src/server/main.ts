/** The frontend process BuildKit starts: gRPC on stdin/stdout, logs on stderr. */
import { pino } from "pino";
import { Gateway } from "../gateway/llb-bridge.js";
import { readLaunchEnv } from "../gateway/options.js";
import { runFrontend } from "./frontend.js";
import { frontendLogger } from "./log.js";

const started = performance.now();
// stdout is the gRPC stream: anything else written there breaks the connection.
const log = frontendLogger(process.env["SLIMGO_LOG_LEVEL"] ?? "info", pino.destination({ fd: 2, sync: true }));

async function main(): Promise<number> {
  let gw: Gateway | undefined;
  try {
    const env = readLaunchEnv(process.env);
    gw = await Gateway.overStdio(process.stdin, process.stdout);
    await runFrontend(gw, env, log);
    // uptime counts from process start, so it includes Node start-up and loading the bundle.
    const maxRssKb = process.resourceUsage().maxRSS;
    log.info({ ms: Math.round(performance.now() - started), uptimeMs: Math.round(process.uptime() * 1000), maxRssKb }, "returned to BuildKit");
    return 0;
  } catch (err) {
    // Only reached when Return itself failed: BuildKit reports the exit code.
    log.error({ err }, "frontend failed");
    return 1;
  } finally {
    gw?.close();
  }
}

// BuildKit never closes stdin, so the process must exit by itself.
main().then((code) => process.exit(code));
