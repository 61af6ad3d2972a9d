import assert from "node:assert/strict";
import { test } from "node:test";
import { type SpecError, SpecErrors, formatSpecError, isSpecErrors, parseSpec } from "../../src/spec/index.js";

const SYNTAX = "# syntax=slimgo:dev\n";

/** The formatted lines a spec fails with. */
function problems(text: string, file?: string): string[] {
  try {
    parseSpec(text, file);
  } catch (err) {
    assert.ok(err instanceof SpecErrors);
    return err.errors.map(formatSpecError);
  }
  return assert.fail("expected SpecErrors");
}

const cases: Array<{ name: string; spec: string; errors: string[] }> = [
  { name: "misspelled field", spec: `${SYNTAX}\nmian: ./cmd/x\n`, errors: ['slimgo.yaml:3:1: unknown field "mian" (did you mean "main"?)'] },
  { name: "field with the wrong case", spec: "buildenv:\n  A: b\n", errors: ['slimgo.yaml:1:1: unknown field "buildenv" (did you mean "buildEnv"?)'] },
  { name: "unknown field with no near match", spec: "volumes: [/data]\n", errors: ['slimgo.yaml:1:1: unknown field "volumes"'] },
  { name: "yes is not a boolean", spec: `${SYNTAX}main: .\n\ncgo: yes\n`, errors: ['slimgo.yaml:4:6: cgo: expected true or false, got "yes"'] },
  { name: "quoted boolean", spec: 'cgo: "false"\n', errors: ['slimgo.yaml:1:6: cgo: expected true or false, got "false" (remove the quotes)'] },
  { name: "number for a boolean", spec: "cgo: 1\n", errors: ["slimgo.yaml:1:6: cgo: expected true or false, got 1"] },
  { name: "list for a string", spec: "main: [./a, ./b]\n", errors: ["slimgo.yaml:1:7: main: expected a string, got a list"] },
  { name: "absolute main", spec: "main: /src/cmd/x\n", errors: ['slimgo.yaml:1:7: main: "/src/cmd/x" is an absolute path; main is relative to go.mod\'s directory (like "./cmd/app")'] },
  { name: "main leaves the module", spec: "main: ../other\n", errors: ['slimgo.yaml:1:7: main: "../other" leaves the module; main must be a package inside it (point the build context at the module root)'] },
  { name: "main without ./", spec: "main: cmd/api\n", errors: ['slimgo.yaml:1:7: main: "cmd/api" must start with "./" (did you mean "./cmd/api"?)'] },
  {
    name: "main as an import path",
    spec: "main: github.com/acme/api/cmd/api\n",
    errors: ['slimgo.yaml:1:7: main: "github.com/acme/api/cmd/api" must start with "./" (write the package directory relative to go.mod, like "./cmd/app")'],
  },
  { name: "main pattern", spec: "main: ./cmd/...\n", errors: ['slimgo.yaml:1:7: main: "./cmd/..." is a package pattern; main names one package (like "./cmd/app")'] },
  { name: "name with a slash", spec: "name: bin/api\n", errors: ['slimgo.yaml:1:7: name: "bin/api" contains "/"; name is a file name, not a path (the binary always goes to /usr/local/bin)'] },
  { name: "go as a toolchain name", spec: "go: go1.24.3\n", errors: ['slimgo.yaml:1:5: go: "go1.24.3" is a toolchain name, not a version (did you mean "1.24.3"?)'] },
  { name: "go major only", spec: "go: 1\n", errors: ['slimgo.yaml:1:5: go: "1" is not a Go version (like "1.24" or "1.24.3")'] },
  { name: "uppercase builder", spec: "builder: Golang:1.24\n", errors: ['slimgo.yaml:1:10: builder: "Golang:1.24" is not an image reference: repository names are lowercase (did you mean "golang:1.24"?)'] },
  { name: "builder with a scheme", spec: "builder: docker://golang:1.24\n", errors: ['slimgo.yaml:1:10: builder: "docker://golang:1.24" is not an image reference (drop the "docker://" prefix)'] },
  { name: "base typo", spec: "base: distrolless\n", errors: ['slimgo.yaml:1:7: base: unknown base "distrolless" (did you mean "distroless"?)'] },
  { name: "base with spaces", spec: "base: alpine 3.21\n", errors: ['slimgo.yaml:1:7: base: "alpine 3.21" is not an image reference: it contains whitespace (use static, scratch, distroless or an image reference)'] },
  { name: "tags as a string", spec: "tags: netgo\n", errors: ["slimgo.yaml:1:7: tags: expected a list, got \"netgo\" (write tags: [netgo])"] },
  { name: "comma-joined tags", spec: 'tags: ["netgo,osusergo"]\n', errors: ['slimgo.yaml:1:8: tags[0]: "netgo,osusergo" holds several tags (list each tag as its own item)'] },
  { name: "negated tag", spec: "tags:\n  - ok\n  - '!cgo'\n", errors: ['slimgo.yaml:3:5: tags[1]: "!cgo" is not a valid build tag (tags use letters, digits, "_" and ".")'] },
  {
    name: "reserved build env",
    spec: "buildEnv:\n  CGO_ENABLED: 1\n  GOOS: linux\n  GOARCH: arm64\n  GOPROXY: direct\n",
    errors: [
      "slimgo.yaml:2:3: buildEnv.CGO_ENABLED: CGO_ENABLED is set by slimgo (set cgo: true or false instead)",
      "slimgo.yaml:3:3: buildEnv.GOOS: GOOS is set by slimgo (choose target platforms with --platform)",
      "slimgo.yaml:4:3: buildEnv.GOARCH: GOARCH is set by slimgo (choose target platforms with --platform)",
    ],
  },
  {
    name: "env as a list of NAME=value",
    spec: "env:\n  - FOO=bar\n",
    errors: ['slimgo.yaml:2:3: env: expected a mapping of names to values, got a list (write one "NAME: value" line per entry instead of a list)'],
  },
  {
    name: "bad env names",
    spec: "env:\n  1ST: x\n  MY-VAR: y\n",
    errors: [
      'slimgo.yaml:2:3: env.1ST: "1ST" is not a valid environment variable name (use letters, digits and "_", not starting with a digit)',
      'slimgo.yaml:3:3: env.MY-VAR: "MY-VAR" is not a valid environment variable name (use letters, digits and "_", not starting with a digit)',
    ],
  },
  { name: "env value that is a list", spec: "env:\n  A: [1, 2]\n", errors: ["slimgo.yaml:2:6: env.A: expected a string, got a list"] },
  {
    name: "bad ports",
    spec: 'ports: [0, 8080, "8080/tcp", 70000, "53/icmp", http, 1.5]\n',
    errors: [
      "slimgo.yaml:1:9: ports[0]: port 0 is out of range (ports are 1 to 65535)",
      "slimgo.yaml:1:18: ports[2]: 8080/tcp is already listed at ports[1]",
      "slimgo.yaml:1:30: ports[3]: port 70000 is out of range (ports are 1 to 65535)",
      'slimgo.yaml:1:37: ports[4]: unknown protocol "icmp" (use tcp, udp or sctp)',
      'slimgo.yaml:1:48: ports[5]: "http" is not a port (like 8080 or "53/udp")',
      'slimgo.yaml:1:54: ports[6]: "1.5" is not a port (like 8080 or "53/udp")',
    ],
  },
  {
    name: "port mapping",
    spec: 'ports: ["8080:80"]\n',
    errors: ['slimgo.yaml:1:9: ports[0]: "8080:80" is a port mapping (an image only exposes 80; publish it with docker run -p 8080:80)'],
  },
  { name: "user with spaces", spec: "user: my user\n", errors: ['slimgo.yaml:1:7: user: "my user" is not a user (like "65532:65532" or "nonroot")'] },
  { name: "relative workdir", spec: "workdir: data\n", errors: ['slimgo.yaml:1:10: workdir: "data" is not an absolute path (like "/data")'] },
  { name: "a list at the top", spec: `${SYNTAX}- main: .\n`, errors: ['slimgo.yaml:2:1: expected fields like "main: ./cmd/app", got a list'] },
  { name: "a scalar at the top", spec: "./cmd/app\n", errors: ['slimgo.yaml:1:1: expected fields like "main: ./cmd/app", got "./cmd/app"'] },
  { name: "duplicate key", spec: "main: ./a\nmain: ./b\n", errors: ["slimgo.yaml:2:1: this key appears twice (keep one of them)"] },
  { name: "two documents", spec: "main: ./a\n---\nmain: ./b\n", errors: ['slimgo.yaml:2:1: the spec is a single YAML document (remove the "---" separator and what follows)'] },
  { name: "tab indentation", spec: "env:\n\tA: b\n", errors: ["slimgo.yaml:2:1: tabs are not allowed as indentation (indent with spaces)"] },
  { name: "unclosed flow list", spec: "tags: [netgo\nmain: .\n", errors: ["slimgo.yaml:2:1: flow sequence in block collection must be sufficiently indented and end with a ]"] },
  { name: "alias without anchor", spec: "name: *nothing\n", errors: ["slimgo.yaml:1:7: alias *nothing has no anchor &nothing before it"] },
  {
    name: "all problems at once, in file order",
    spec: `${SYNTAX}cgo: yes\nmian: .\nports: [0]\n`,
    errors: [
      'slimgo.yaml:2:6: cgo: expected true or false, got "yes"',
      'slimgo.yaml:3:1: unknown field "mian" (did you mean "main"?)',
      "slimgo.yaml:4:9: ports[0]: port 0 is out of range (ports are 1 to 65535)",
    ],
  },
  { name: "the file name is the one given", spec: "mian: .\n", errors: ['deploy/api.yaml:1:1: unknown field "mian" (did you mean "main"?)'] },
];

for (const tc of cases) {
  test(`spec error: ${tc.name}`, () => {
    assert.deepEqual(problems(tc.spec, tc.name === "the file name is the one given" ? "deploy/api.yaml" : undefined), tc.errors);
  });
}

test("a SpecError carries the value's span, path, message and hint separately", () => {
  assert.throws(
    () => parseSpec(`${SYNTAX}base: scrach\n`),
    (err: unknown) => {
      assert.ok(isSpecErrors(err));
      assert.equal(err.name, "SpecErrors");
      const expected: SpecError = {
        file: "slimgo.yaml",
        line: 2,
        col: 7,
        endLine: 2,
        endCol: 13,
        path: "base",
        message: 'unknown base "scrach"',
        hint: 'did you mean "scratch"?',
      };
      assert.deepEqual(err.errors, [expected]);
      assert.equal(err.message, 'slimgo.yaml:2:7: base: unknown base "scrach" (did you mean "scratch"?)');
      return true;
    },
  );
});

test("SpecErrors.message holds one line per problem", () => {
  assert.throws(() => parseSpec("cgo: no\nuser: ''\n"), {
    name: "SpecErrors",
    message: 'slimgo.yaml:1:6: cgo: expected true or false, got "no"\nslimgo.yaml:2:7: user: "" is not a user (like "65532:65532" or "nonroot")',
  });
});
