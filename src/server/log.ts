/** The frontend's logger: JSON lines for the daemon's log, with URL credentials masked in every line. */
import { type DestinationStream, type Logger, pino } from "pino";
import { redactUrlCredentials } from "./redact.js";

export function frontendLogger(level: string, destination: DestinationStream): Logger {
  return pino({ name: "slimgo", level, hooks: { streamWrite: redactUrlCredentials } }, destination);
}
