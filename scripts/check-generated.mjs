// Fails when src/gen differs from what `make gen` produces from proto/.
import { execFileSync } from "node:child_process";

execFileSync("npm", ["run", "--silent", "gen"], { stdio: "inherit" });
const diff = execFileSync("git", ["status", "--porcelain", "--", "src/gen"], { encoding: "utf8" });
if (diff.trim() !== "") {
  process.stderr.write(`src/gen is out of date with proto/ and src/graph/sh/:\n${diff}\nRun \`make gen\` and commit the result.\n`);
  process.exit(1);
}
process.stdout.write("src/gen is up to date\n");
