/**
 * A frontend run from launch to Return. The launch environment is read
 * only once the gateway is up, so a bad one reaches the user as a Return
 * with a typed status, like any other error, instead of an exit code.
 */
import type { Logger } from "pino";
import { deadlinesFromEnv } from "../gateway/deadlines.js";
import type { Gateway } from "../gateway/llb-bridge.js";
import { type LaunchEnv, readLaunchEnv } from "../gateway/options.js";
import { toStatus } from "./errors.js";
import { runFrontend } from "./frontend.js";

export async function runLaunched(gw: Gateway, rawEnv: NodeJS.ProcessEnv, log: Logger): Promise<void> {
  let env: LaunchEnv;
  try {
    gw.setDeadlines(deadlinesFromEnv(rawEnv));
    env = readLaunchEnv(rawEnv);
  } catch (err) {
    log.debug({ err }, "bad launch environment");
    await gw.returnError(toStatus(err, {}));
    return;
  }
  await runFrontend(gw, env, log);
}
