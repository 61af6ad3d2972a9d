/** Directive checks shared by go.mod and go.work, with Go's own rules. */
import { didYouMean } from "../spec/did-you-mean.js";
import { GoModError } from "./go-mod-error.js";
import type { Statement, Token } from "./statements.js";
import type { GoModReplace, ModuleVersion } from "./types.js";

// golang.org/x/mod/modfile GoVersionRE.
const GO_VERSION = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$/;
// modfile ToolchainRE is looser ("go1" then end or "."); this is the form the go command writes.
const TOOLCHAIN = /^default$|^go1($|\.)/;
// A semantic version as the go command accepts it in a go.mod (canonical, pseudo-versions, +incompatible).
const MODULE_VERSION = /^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+incompatible)?$/;


/** Throws a GoModError at a token. */
export function fail(file: string, at: Token | Statement, reason: string): never {
  throw new GoModError(file, at.line, at.col, reason);
}

/** Throws for a directive this file kind does not have, suggesting the closest known one. */
export function unknownDirective(file: string, stmt: Statement, known: readonly string[]): never {
  const hint = didYouMean(stmt.verb.value, known) ?? `the directives are ${known.join(", ")}`;
  fail(file, stmt.verb, `unknown directive "${stmt.verb.value}" (${hint})`);
}

/** Checks the argument count; `usage` is an example line. */
export function expectArgs(file: string, stmt: Statement, count: number, usage: string): void {
  if (stmt.args.length === count) return;
  const got = stmt.args.length === 0 ? "nothing" : stmt.args.map((t) => t.raw).join(" ");
  fail(file, stmt, `${stmt.verb.value} takes ${count === 1 ? "one argument" : `${count} arguments`}, got ${got} (write it like "${usage}")`);
}

/** Throws when a single-use directive appears twice. */
export function rejectRepeat(file: string, stmt: Statement, firstLine: number | undefined): void {
  if (firstLine !== undefined) fail(file, stmt.verb, `repeated ${stmt.verb.value} directive (the first is on line ${firstLine}): keep one`);
}

/** The `go` line's version, checked against Go's grammar. */
export function goVersion(file: string, stmt: Statement): string {
  expectArgs(file, stmt, 1, "go 1.24");
  const token = stmt.args[0] as Token;
  if (!GO_VERSION.test(token.value)) {
    const hint = /^go\d/.test(token.value) ? `write "go ${token.value.slice(2)}"` : `it must look like "1.24" or "1.24.3"`;
    fail(file, token, `invalid go version "${token.value}" (${hint})`);
  }
  return token.value;
}

/** The `toolchain` line's name, e.g. "go1.24.3". */
export function toolchainName(file: string, stmt: Statement): string {
  expectArgs(file, stmt, 1, "toolchain go1.24.3");
  const token = stmt.args[0] as Token;
  if (!TOOLCHAIN.test(token.value)) {
    const hint = GO_VERSION.test(token.value) ? `write "toolchain go${token.value}"` : `it must look like "go1.24.3"`;
    fail(file, token, `invalid toolchain "${token.value}" (${hint})`);
  }
  return token.value;
}

/** A module version on a require/exclude line. */
export function moduleVersion(file: string, stmt: Statement, token: Token, path: string): string {
  if (!MODULE_VERSION.test(token.value)) {
    fail(file, token, `${stmt.verb.value} ${path}: invalid version "${token.value}" (it must look like v1.2.3; run "go mod tidy" to resolve branch or tag names)`);
  }
  return token.value;
}

/**
 * Go's modfile.IsDirectoryPath: a replacement without a version is a directory,
 * recognised in both Unix and Windows spellings because go.mod files travel.
 */
export function isDirectoryPath(path: string): boolean {
  return (
    path === "." ||
    path === ".." ||
    path.startsWith("./") ||
    path.startsWith(".\\") ||
    path.startsWith("../") ||
    path.startsWith("..\\") ||
    path.startsWith("/") ||
    path.startsWith("\\") ||
    /^[A-Za-z]:/.test(path)
  );
}

/** A `replace old [v] => new [v]` statement. */
export function replaceDirective(file: string, stmt: Statement): GoModReplace {
  const usage = "replace example.com/mod => ../mod";
  const arrow = stmt.args.findIndex((t) => t.value === "=>" && !t.quoted);
  if (arrow !== 1 && arrow !== 2) fail(file, stmt, `${stmt.verb.value} needs "old => new" (write it like "${usage}")`);
  const rest = stmt.args.length - arrow - 1;
  if (rest !== 1 && rest !== 2) fail(file, stmt, `${stmt.verb.value} needs one replacement after "=>", a directory or "module version" (write it like "${usage}")`);

  const fromPath = stmt.args[0] as Token;
  const fromVersion = arrow === 2 ? stmt.args[1] : undefined;
  const toPath = stmt.args[arrow + 1] as Token;
  const toVersion = stmt.args[arrow + 2];

  const from: ModuleVersion = fromVersion
    ? { path: fromPath.value, version: moduleVersion(file, stmt, fromVersion, fromPath.value) }
    : { path: fromPath.value };
  const local = isDirectoryPath(toPath.value);
  if (toVersion === undefined && !local) {
    const at = toPath.value.indexOf("@");
    const hint =
      at > 0
        ? `write "${toPath.value.slice(0, at)} ${toPath.value.slice(at + 1)}", with a space instead of @`
        : `add a version, or start a directory path with ./ or ../`;
    fail(file, toPath, `replacement "${toPath.value}" is neither a directory nor a module with a version (${hint})`);
  }
  if (toVersion !== undefined && local) fail(file, toVersion, `replacement directory "${toPath.value}" cannot have a version (remove "${toVersion.raw}")`);
  const to: ModuleVersion = toVersion ? { path: toPath.value, version: moduleVersion(file, stmt, toVersion, toPath.value) } : { path: toPath.value };
  return { from, to, local, line: stmt.line };
}
