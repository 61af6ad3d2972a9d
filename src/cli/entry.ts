/** Process entry for the slimgo command. */
import { failed, run } from "./main.js";

const err = (s: string) => void process.stderr.write(s);
// Whatever escapes a command still ends as one line and exit code 1, not a stack trace.
const crash = (e: unknown) => {
  process.exitCode = failed(e, err);
  process.exit();
};
process.on("uncaughtException", crash);
process.on("unhandledRejection", crash);
// A reader that stops early (slimgo plan --llb | head) has all it wanted; but while an archive streams to stdout
// (slimgo build -o -) its writer listens too, and fails the build instead of leaving a quiet 0.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (process.stdout.listenerCount("error") > 1) return;
  if (e.code === "EPIPE") process.exit();
  else crash(e);
});

process.exitCode = await run(process.argv.slice(2), (s) => process.stdout.write(s), err);
