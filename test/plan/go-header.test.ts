/**
 * A Go file's header (through its imports): what go list reads of it. Any
 * prefix of the file must give the same answer or ask for more, never a
 * shorter header.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { goHeaderLength } from "../../src/plan/index.js";

const CASES: Array<[string, string]> = [
  ["package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(1) }\n", 'package main\n\nimport "fmt"'],
  [
    '//go:build linux\n\n// Package x does.\npackage x // import "a/x"\n\nimport (\n\t"fmt"\n\tf "os" // why )\n\t_ `embed`\n)\nimport . "strings"\n\n//go:embed x.txt\nvar x string\n',
    '//go:build linux\n\n// Package x does.\npackage x // import "a/x"\n\nimport (\n\t"fmt"\n\tf "os" // why )\n\t_ `embed`\n)\nimport . "strings"',
  ],
  ['package c\n\n/*\n#include <stdio.h>\n// ) "tricky\n*/\nimport "C"\n\nfunc F() {}\n', 'package c\n\n/*\n#include <stdio.h>\n// ) "tricky\n*/\nimport "C"'],
  ['package p; import "a"; import "b"; var v int\n', 'package p; import "a"; import "b";'],
  ["package p\n\nfunc F() {}\n", "package p"],
  // Whole files that end in their header, or do not read as Go: all of it.
  ["package p\n", "package p\n"],
  ['package p\nimport "a"', 'package p\nimport "a"'],
  ["not go at all", "not go at all"],
  ["package p\nimport (\n\t\"a\"\n", "package p\nimport (\n\t\"a\"\n"],
];

test("the header ends after the last import declaration, comments and strings read as Go reads them", () => {
  for (const [file, header] of CASES) {
    const bytes = new TextEncoder().encode(file);
    const n = goHeaderLength(bytes, true);
    assert.equal(new TextDecoder().decode(bytes.subarray(0, n)), header, file);
  }
});

test("a prefix of the file gives the same header or asks for more", () => {
  for (const [file] of CASES) {
    const bytes = new TextEncoder().encode(file);
    const whole = goHeaderLength(bytes, true);
    for (let k = 0; k < bytes.length; k++) {
      const n = goHeaderLength(bytes.subarray(0, k), false);
      if (n !== undefined) assert.equal(n, whole, `${JSON.stringify(file)} cut at ${k}`);
    }
  }
});
