/** The frontend process BuildKit starts: gRPC on stdin/stdout, logs on stderr. */
import { startupSnapshot } from "node:v8";
import { pino } from "pino";
import { Gateway } from "../gateway/llb-bridge.js";
import { runLaunched } from "./launch.js";
import { frontendLogger } from "./log.js";

/** One frontend run; everything that reads the process (env, stdio, clock) happens here, never at load. */
function start(): void {
  const started = performance.now();
  const wantedLevel = process.env["SLIMGO_LOG_LEVEL"] ?? "info";
  // An unknown level must not stop the process before it can Return: fall back to info and say so.
  const knownLevel = wantedLevel === "silent" || Object.hasOwn(pino.levels.values, wantedLevel);
  // stdout is the gRPC stream: anything else written there breaks the connection.
  const log = frontendLogger(knownLevel ? wantedLevel : "info", pino.destination({ fd: 2, sync: true }));
  if (!knownLevel) log.warn(`SLIMGO_LOG_LEVEL "${wantedLevel.slice(0, 40)}" is not a level (trace, debug, info, warn, error, fatal, silent): logging at info`);

  async function main(): Promise<number> {
    let gw: Gateway;
    try {
      gw = await Gateway.overStdio(process.stdin, process.stdout);
    } catch (err) {
      log.error({ err }, "cannot open the gateway connection on stdin/stdout");
      return 1;
    }
    try {
      await runLaunched(gw, process.env, log);
      // uptime counts from process start, so it includes Node start-up and loading the bundle (or the snapshot).
      // CPU time says what the process itself cost, whatever else the machine was doing meanwhile.
      const usage = process.resourceUsage();
      const cpuMs = Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000);
      log.info({ ms: Math.round(performance.now() - started), uptimeMs: Math.round(process.uptime() * 1000), cpuMs, maxRssKb: usage.maxRSS }, "returned to BuildKit");
      return 0;
    } catch (err) {
      // Only reached when Return itself failed: BuildKit reports the exit code.
      log.error({ err }, "frontend failed");
      return 1;
    } finally {
      gw.close();
    }
  }

  // BuildKit never closes stdin, so the process must exit by itself.
  main().then((code) => process.exit(code));
}

// Built into a startup snapshot (`node --build-snapshot`), the loaded bundle is saved and start() runs when a
// process starts from it; run as a script, it starts now.
if (startupSnapshot?.isBuildingSnapshot()) startupSnapshot.setDeserializeMainFunction(start);
else start();
