import assert from "node:assert/strict";
import { test } from "node:test";
import { GoModError, parseGoWork } from "../../src/gomod/index.js";

const WORKSPACE = `go 1.24.0

toolchain go1.24.2

use (
	./services/api
	./services/worker
	./libs/auth // shared
)

use ./tools

replace github.com/google/uuid v1.6.0 => ./third_party/uuid
`;

test("a workspace lists its modules and replaces", () => {
  assert.deepEqual(parseGoWork(WORKSPACE), {
    go: "1.24.0",
    toolchain: "go1.24.2",
    use: [
      { path: "./services/api", line: 6 },
      { path: "./services/worker", line: 7 },
      { path: "./libs/auth", line: 8 },
      { path: "./tools", line: 11 },
    ],
    replace: [{ from: { path: "github.com/google/uuid", version: "v1.6.0" }, to: { path: "./third_party/uuid" }, local: true, line: 13 }],
  });
});

test("an empty go.work is valid", () => {
  assert.deepEqual(parseGoWork(""), { use: [], replace: [] });
});

const broken: Array<[string, string, string]> = [
  ["module is not a go.work directive", "go 1.24\nmodule x\n", 'go.work:2:1: unknown directive "module" (the directives are go, toolchain, godebug, use, replace)'],
  ["misspelled use", "go 1.24\nuse (\n./a\n)\nuses ./b\n", 'go.work:5:1: unknown directive "uses" (did you mean "use"?)'],
  ["use with two paths", "use ./a ./b\n", 'go.work:1:1: use takes one argument, got ./a ./b (write it like "use ./services/api")'],
  ["use beyond Unicode", 'go 1.24\nuse "./\\U00110000"\n', 'go.work:2:8: escape "\\U00110000" is not a Unicode character'],
  ["replace with a bad octal escape", 'replace "a\\400" => ./a\n', 'go.work:1:11: escape "\\400" is above \\377, the largest byte'],
];
for (const [name, text, message] of broken) {
  test(`broken go.work: ${name}`, () => {
    assert.throws(() => parseGoWork(text), (err: unknown) => err instanceof GoModError && err.message === message);
  });
}

test("an error that echoes a huge directive back stays one short line", () => {
  const args = Array.from({ length: 400 }, () => "e.com/x => ./e.com/x").join(" ");
  assert.throws(
    () => parseGoWork(`go 1.22\n\nuse ${args}\n`),
    (e: unknown) => e instanceof GoModError && e.message.startsWith("go.work:3:1: use takes one argument") && e.message.length < 700 && !e.message.includes("\n"),
  );
});
