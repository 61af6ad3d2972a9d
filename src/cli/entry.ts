/** Process entry for the slimgo command. */
import { run } from "./main.js";

process.exitCode = await run(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
