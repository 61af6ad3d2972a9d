/**
 * go.mod and go.work inputs: random files from the directive grammar, and
 * hostile ones: escapes past the last code point, thousands of replaces,
 * replace targets and `use` directories that leave the build context.
 */
import type { Rng } from "../prng.js";

const PATHS = ["example.com/app", "github.com/a/b", "golang.org/x/mod", "example.com/a/v2", "gopkg.in/yaml.v3", "x", "Example.COM/Up", "example.com/a b"];
const VERSIONS = ["v1.2.3", "v0.0.0-20240101000000-abcdefabcdef", "v2.0.0+incompatible", "v1.2", "1.2.3", "v1.2.3-pre.1", "latest", "v01.2.3", "v1.2.3+meta"];
const GO_LINES = ["1.22", "1.24.3", "1.21rc1", "1.2.3.4", "go1.22", "1", "1.22.", "2", "1.999999999999999999999"];
const LOCAL = ["./lib", "../lib", "../greet", "./", "../../x", "/abs/lib", "lib", "C:\\\\lib", "./a/../b", "../..", ".."];
/** Replace targets that climb out to the toolchain, the module cache, the output or system directories. */
export const ESCAPES = ["../../../../usr/local/go", "../go/pkg/mod", "../../out", "../../../etc", "../root/.cache/go-build", "../../../../bin", "../", "../../../../", "../slimgo-gosum", "../tmp", "../usr/local/bin"];

function token(rng: Rng, choices: readonly string[]): string {
  const t = rng.pick(choices);
  if (rng.chance(0.15)) return JSON.stringify(t);
  if (rng.chance(0.03)) return `\`${t}\``;
  return t;
}

function directive(rng: Rng): string {
  switch (rng.int(11)) {
    case 0:
      return `go ${rng.pick(GO_LINES)}`;
    case 1:
      return `toolchain ${rng.pick(["go1.24.3", "default", "go1.22", "1.22", "gox"])}`;
    case 2:
      return `require ${token(rng, PATHS)} ${rng.pick(VERSIONS)}${rng.chance(0.3) ? " // indirect" : ""}`;
    case 3:
      return `require (\n${Array.from({ length: rng.int(5) }, () => `\t${token(rng, PATHS)} ${rng.pick(VERSIONS)}${rng.chance(0.3) ? " // indirect" : ""}`).join("\n")}\n)`;
    case 4:
      return `replace ${token(rng, PATHS)}${rng.chance(0.3) ? ` ${rng.pick(VERSIONS)}` : ""} => ${rng.chance(0.6) ? token(rng, LOCAL) : `${token(rng, PATHS)} ${rng.pick(VERSIONS)}`}`;
    case 5:
      return `exclude ${token(rng, PATHS)} ${rng.pick(VERSIONS)}`;
    case 6:
      return rng.pick([`retract v1.0.0`, `retract [v1.0.0, v1.1.0] // broken`, `retract (\n\tv1.0.1\n)`, `retract`, `retract [v1`]);
    case 7:
      return `godebug ${rng.pick(["default=go1.21", "x", "=y", "a=", "panicnil=1"])}`;
    case 8:
      return rng.pick([`tool example.com/cmd/x`, `ignore ./node_modules`, `tool`, `ignore (\n\t./a\n)`]);
    case 9:
      return rng.pick(["// comment", "", "/* no */", "module", "(", ")", "unknown x", "require (", "replace x => ", "\"quoted\" verb"]);
    default:
      return `replace (\n${Array.from({ length: rng.int(4) }, () => `\t${token(rng, PATHS)} => ${token(rng, LOCAL)}`).join("\n")}\n)`;
  }
}

/** A go.mod from the directive grammar, mostly valid. */
export function randomGoMod(rng: Rng): string {
  const lines = rng.chance(0.95) ? [`module ${token(rng, PATHS)}`] : [];
  for (let i = rng.int(8); i > 0; i--) lines.push(directive(rng));
  return `${lines.join(rng.chance(0.05) ? "\r\n" : "\n")}\n`;
}

/** Quoted paths with escapes Go's strconv rejects, or that decode past U+10FFFF. */
export function badEscapes(rng: Rng): string {
  const esc = rng.pick(["\\U00110000", "\\UFFFFFFFF", "\\uD800", "\\udfff", "\\xZZ", "\\x", "\\777", "\\400", "\\U0010FFFF", "\\u00e9", "\\x80", "\\q", "\\", "\\U0011000"]);
  const where = rng.pick([
    (e: string) => `module "example.com/${e}"\n`,
    (e: string) => `module example.com/app\nrequire "example.com/${e}" v1.0.0\n`,
    (e: string) => `module example.com/app\nreplace example.com/x => "./${e}"\n`,
    (e: string) => `module example.com/app\ngo "1.2${e}"\n`,
  ]);
  return where(esc);
}

/** Thousands of replaces, requires or lines: quadratic lookups show here. */
export function manyDirectives(rng: Rng): string {
  const n = rng.range(5000, 50000);
  const kind = rng.int(4);
  const lines = ["module example.com/app", "go 1.22"];
  if (kind === 0) for (let i = 0; i < n; i++) lines.push(`replace example.com/m${i} => ./libs/m${i}`);
  else if (kind === 1) lines.push(`replace (\n${Array.from({ length: n }, (_, i) => `\texample.com/m${i} => ../ext/m${i}`).join("\n")}\n)`);
  else if (kind === 2) lines.push(`require (\n${Array.from({ length: n }, (_, i) => `\texample.com/m${i} v1.0.${i}`).join("\n")}\n)`);
  else for (let i = 0; i < n; i++) lines.push(`replace example.com/m${i} => ./same`);
  return `${lines.join("\n")}\n`;
}

/** One enormous token or line. */
export function hugeToken(rng: Rng): string {
  const n = rng.range(100_000, 2_000_000);
  return rng.pick([
    () => `module example.com/${"a".repeat(n)}\n`,
    () => `module example.com/app\n// ${"x".repeat(n)}\n`,
    () => `module "${"\\x41".repeat(n >> 2)}"\n`,
    () => `module example.com/app\nrequire (\n${"\n".repeat(n)})\n`,
    () => `module example.com/app\n${"( ".repeat(n >> 1)}\n`,
  ])();
}

/** Replace targets that leave the context for the toolchain, the module cache or system directories. */
export function escapingReplaces(rng: Rng): string {
  const lines = ["module example.com/app", "go 1.22"];
  for (let i = rng.range(1, 3); i > 0; i--) lines.push(`replace example.com/x${i} => ${rng.pick(ESCAPES)}`);
  return `${lines.join("\n")}\n`;
}

/** A go.work from its grammar. */
export function randomGoWork(rng: Rng): string {
  const lines = [rng.chance(0.8) ? `go ${rng.pick(GO_LINES)}` : ""];
  for (let i = rng.int(6); i > 0; i--) {
    const k = rng.int(6);
    if (k <= 1) lines.push(`use ${token(rng, ["./api", "./lib", ".", "./", "api", "./a/../b", "../outside", "/abs", "./api/"])}`);
    else if (k === 2) lines.push(`use (\n${Array.from({ length: rng.int(4) }, () => `\t${token(rng, ["./api", "./lib", "./svc/x", "../up", "."])}`).join("\n")}\n)`);
    else if (k === 3) lines.push(`replace ${token(rng, PATHS)} => ${token(rng, LOCAL)}`);
    else if (k === 4) lines.push(`toolchain ${rng.pick(["go1.24.3", "default", "x"])}`);
    else lines.push(rng.pick(["godebug default=go1.21", "// c", "module x", "require x v1.0.0", ""]));
  }
  return `${lines.join("\n")}\n`;
}

/** `use` directories outside the context, and many of them. */
export function hostileGoWork(rng: Rng): string {
  return rng.pick([
    () => `go 1.22\nuse ${rng.pick(["../outside", "../../etc", "/abs/mod", "..", "../", "./a/../../b"])}\n`,
    () => `go 1.22\nuse (\n${Array.from({ length: rng.range(1000, 20000) }, (_, i) => `\t./m${i}`).join("\n")}\n)\n`,
    () => `go 1.22\nuse ./api\nreplace example.com/x => ${rng.pick(ESCAPES)}\n`,
    () => `go 1.22\nuse "./\\U00110000"\n`,
    () => `go 1.22\n${Array.from({ length: rng.range(1000, 20000) }, (_, i) => `replace example.com/m${i} => ./libs/m${i}`).join("\n")}\n`,
  ])();
}

export const GOMOD_DICTIONARY = ["module ", "go ", "require ", "replace ", "exclude ", "retract ", "toolchain ", "godebug ", "tool ", "ignore ", "use ", "=>", "(", ")", "\"", "`", "//", "\\U", "\\x", "\\u", "v1.2.3", " // indirect", "\n", "\t", "../", "./", "[", "]", ","];
