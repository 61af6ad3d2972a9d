/** go.work → the workspace's Go version, module directories and replacements. */
import { expectArgs, fail, goVersion, rejectRepeat, replaceDirective, toolchainName, unknownDirective } from "./directives.js";
import { type Token, readStatements } from "./statements.js";
import type { GoModReplace, GoWorkUse, ParsedGoWork } from "./types.js";

const DIRECTIVES = ["go", "toolchain", "godebug", "use", "replace"] as const;

/** Parse go.work text; throws GoModError naming the line, the problem and the fix. */
export function parseGoWork(text: string, filename = "go.work"): ParsedGoWork {
  let go: { version: string; line: number } | undefined;
  let toolchain: { name: string; line: number } | undefined;
  const use: GoWorkUse[] = [];
  const replace: GoModReplace[] = [];

  for (const stmt of readStatements(text, filename)) {
    const verb = stmt.verb.value;
    if (stmt.verb.quoted || !(DIRECTIVES as readonly string[]).includes(verb)) unknownDirective(filename, stmt, DIRECTIVES);
    if (stmt.inBlock && (verb === "go" || verb === "toolchain")) fail(filename, stmt.verb, `"${verb}" cannot be a block: write "${verb} <version>" on one line`);
    switch (verb) {
      case "go":
        rejectRepeat(filename, stmt, go?.line);
        go = { version: goVersion(filename, stmt), line: stmt.line };
        break;
      case "toolchain":
        rejectRepeat(filename, stmt, toolchain?.line);
        toolchain = { name: toolchainName(filename, stmt), line: stmt.line };
        break;
      case "godebug":
        expectArgs(filename, stmt, 1, "godebug default=go1.21");
        break;
      case "use": {
        expectArgs(filename, stmt, 1, "use ./services/api");
        const path = stmt.args[0] as Token;
        if (path.value === "") fail(filename, path, `use needs a directory (write it like "use ./services/api")`);
        use.push({ path: path.value, line: stmt.line });
        break;
      }
      case "replace":
        replace.push(replaceDirective(filename, stmt));
        break;
    }
  }
  return {
    use,
    replace,
    ...(go ? { go: go.version } : {}),
    ...(toolchain ? { toolchain: toolchain.name } : {}),
  };
}
