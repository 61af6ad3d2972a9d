/** go.mod → the module path, Go version, requirements and replacements. */
import { expectArgs, fail, goVersion, moduleVersion, rejectRepeat, replaceDirective, toolchainName, unknownDirective } from "./directives.js";
import { GoModError } from "./go-mod-error.js";
import { type Statement, type Token, readStatements } from "./statements.js";
import type { GoModReplace, GoModRequire, ParsedGoMod } from "./types.js";

const DIRECTIVES = ["module", "go", "toolchain", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore"] as const;
const SINGLE_LINE_ONLY = new Set(["go", "toolchain"]);

/** Parse go.mod text; throws GoModError naming the line, the problem and the fix. */
export function parseGoMod(text: string, filename = "go.mod"): ParsedGoMod {
  let module: { path: string; line: number } | undefined;
  let go: { version: string; line: number } | undefined;
  let toolchain: { name: string; line: number } | undefined;
  const require: GoModRequire[] = [];
  const replace: GoModReplace[] = [];

  for (const stmt of readStatements(text, filename)) {
    const verb = stmt.verb.value;
    if (stmt.verb.quoted || !(DIRECTIVES as readonly string[]).includes(verb)) unknownDirective(filename, stmt, DIRECTIVES);
    if (stmt.inBlock && SINGLE_LINE_ONLY.has(verb)) fail(filename, stmt.verb, `"${verb}" cannot be a block: write "${verb} <version>" on one line`);
    switch (verb) {
      case "module":
        rejectRepeat(filename, stmt, module?.line);
        expectArgs(filename, stmt, 1, "module example.com/app");
        module = { path: (stmt.args[0] as Token).value, line: stmt.line };
        break;
      case "go":
        rejectRepeat(filename, stmt, go?.line);
        go = { version: goVersion(filename, stmt), line: stmt.line };
        break;
      case "toolchain":
        rejectRepeat(filename, stmt, toolchain?.line);
        toolchain = { name: toolchainName(filename, stmt), line: stmt.line };
        break;
      case "require":
        require.push(requireDirective(filename, stmt));
        break;
      case "exclude": {
        expectArgs(filename, stmt, 2, "exclude example.com/mod v1.2.3");
        const path = stmt.args[0] as Token;
        moduleVersion(filename, stmt, stmt.args[1] as Token, path.value);
        break;
      }
      case "replace":
        replace.push(replaceDirective(filename, stmt));
        break;
      case "godebug":
        godebugDirective(filename, stmt);
        break;
      case "tool":
        expectArgs(filename, stmt, 1, "tool example.com/mod/cmd/tool");
        break;
      case "ignore":
        expectArgs(filename, stmt, 1, "ignore ./node_modules");
        break;
      case "retract":
        // A version or a [low, high] interval; the go command checks the versions.
        if (stmt.args.length === 0) fail(filename, stmt, `retract needs a version or an interval (write it like "retract v1.0.1")`);
        break;
    }
  }

  if (module === undefined) {
    throw new GoModError(filename, 1, 1, `no module directive (add "module example.com/app" as the first line, or run "go mod init example.com/app")`);
  }
  const parsed = { module: module.path, require, replace };
  return {
    ...parsed,
    ...(go ? { go: go.version } : {}),
    ...(toolchain ? { toolchain: toolchain.name } : {}),
  };
}

function requireDirective(file: string, stmt: Statement): GoModRequire {
  expectArgs(file, stmt, 2, "require example.com/mod v1.2.3");
  const path = (stmt.args[0] as Token).value;
  const version = moduleVersion(file, stmt, stmt.args[1] as Token, path);
  return { path, version, indirect: isIndirect(stmt.comment), line: stmt.line };
}

// modfile's isIndirect: the line comment is "indirect" or starts with "indirect;".
function isIndirect(comment: string | undefined): boolean {
  return comment !== undefined && (comment === "indirect" || comment.startsWith("indirect;"));
}

function godebugDirective(file: string, stmt: Statement): void {
  expectArgs(file, stmt, 1, "godebug default=go1.21");
  const setting = stmt.args[0] as Token;
  const eq = setting.value.indexOf("=");
  if (eq <= 0 || eq === setting.value.length - 1) fail(file, setting, `godebug setting "${setting.value}" must be key=value (like "default=go1.21")`);
}
