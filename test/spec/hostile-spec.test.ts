/**
 * Specs built to crash the parser or keep it busy: each ends in a located
 * SpecErrors naming the limit it hit, quickly.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SpecErrors, formatSpecError, parseSpec, selectTarget } from "../../src/spec/index.js";
import { cpuNow } from "../support/bounded.js";

// CPU milliseconds: generous next to the seconds (or the abort) these inputs used to cost.
const BOUND_MS = 2000;

/** The problems `run` ends with, checked to come quickly. */
function problems(run: () => unknown): { lines: string[]; message: string; ms: number } {
  const start = cpuNow();
  try {
    run();
  } catch (err) {
    const ms = cpuNow() - start;
    assert.ok(err instanceof SpecErrors, `expected SpecErrors, got ${String(err)}`);
    assert.ok(ms < BOUND_MS, `took ${ms.toFixed(0)} ms`);
    return { lines: err.errors.map(formatSpecError), message: err.message, ms };
  }
  return assert.fail("expected SpecErrors");
}

test("an alias inside the value it names is refused where it is written", () => {
  assert.deepEqual(problems(() => parseSpec("x: &a [*a]\n")).lines, [
    "slimgo.yaml:1:8: alias *a is inside the value &a names, so that value would never end (move the alias out of &a)",
  ]);
  assert.deepEqual(problems(() => parseSpec("env:\n  A: &a {B: [{C: *a}]}\n")).lines, [
    "slimgo.yaml:2:18: alias *a is inside the value &a names, so that value would never end (move the alias out of &a)",
  ]);
  assert.deepEqual(problems(() => parseSpec("&top\nmain: .\nlabels: {x: *top}\n")).lines, [
    "slimgo.yaml:3:13: alias *top is inside the value &top names, so that value would never end (move the alias out of &top)",
  ]);
});

test("an alias as a key without its anchor is an error, not a null key", () => {
  assert.deepEqual(problems(() => parseSpec("*a : x\n")).lines, ["slimgo.yaml:1:1: alias *a has no anchor &a before it"]);
  assert.deepEqual(problems(() => parseSpec("labels:\n  *late : x\n  k: &late v\n")).lines, ["slimgo.yaml:2:3: alias *late has no anchor &late before it"]);
});

test("aliases still resolve as keys and values, each to the last anchor before it", () => {
  const { spec } = parseSpec("env:\n  &k FOO: &v one\nlabels:\n  *k : *v\n  other: &v two\n  last: *v\n");
  assert.deepEqual(spec.env, [["FOO", "one"]]);
  assert.deepEqual(spec.labels, [["FOO", "one"], ["other", "two"], ["last", "two"]]);
});

// 341 bytes: nine lists of nine aliases, each of the list before.
const LAUGHS = ["a: &a [x, x, x, x, x, x, x, x, x]", ..."bcdefghij".split("").map((n, i) => `${n}: &${n} [${Array(9).fill(`*${"abcdefghij"[i]}`).join(", ")}]`)].join("\n");

test("nested aliases that multiply stop at the expansion limit (used to run for 13.6 s)", () => {
  const { lines } = problems(() => parseSpec(LAUGHS));
  assert.equal(lines.length, 1);
  assert.match(lines[0] as string, /^slimgo\.yaml:6:\d+: aliases expand the spec by more than 100000 values here/);
});

test("10,000 aliases stop at the alias limit (each used to walk the whole document: 7.6 s)", () => {
  const text = `main: &m .\nlabels:\n${Array.from({ length: 10_000 }, (_, i) => `  k${i}: *m\n`).join("")}`;
  assert.deepEqual(problems(() => parseSpec(text)).lines, ["slimgo.yaml:1003:10: more than 1000 aliases (anchor a few shared values, and write the rest out)"]);
});

test("a thousand aliases are fine", () => {
  const text = `env: &e {A: b}\nlabels:\n${Array.from({ length: 1000 }, (_, i) => `  k${i}: &v${i} x${i}\n`).join("")}targets:\n${Array.from({ length: 999 }, (_, i) => `  t${i}: {env: *e}\n`).join("")}`;
  const start = cpuNow();
  const parsed = parseSpec(text);
  assert.ok(cpuNow() - start < BOUND_MS);
  assert.equal(parsed.targets.length, 999);
  assert.deepEqual(parsed.targets[998]?.fields.env, [["A", "b"]]);
});

test("a target name of 30,000 characters is refused by length, not compared letter by letter (used to take 2.7 GB)", () => {
  const long = "a".repeat(30_000);
  assert.deepEqual(problems(() => parseSpec(`targets:\n  ? ${long}\n  : {main: .}\n`)).lines, [
    'slimgo.yaml:2:5: targets: a target name of 30000 characters is too long; the limit is 128 (use a short name like "api")',
  ]);
  assert.deepEqual(problems(() => parseSpec(`targets:\n  api: {include: [${"b".repeat(30_000)}]}\n  ? ${long}\n  : {main: .}\n`)).lines, [
    'slimgo.yaml:2:19: targets.api.include[0]: a target name of 30000 characters is too long; the limit is 128 (use a short name like "api")',
    'slimgo.yaml:3:5: targets: a target name of 30000 characters is too long; the limit is 128 (use a short name like "api")',
  ]);
});

test("a long --target or include is shortened in the message and still gets suggestions", () => {
  const name = `${"x".repeat(127)}a`;
  const parsed = parseSpec(`targets:\n  ${name}: {main: .}\n  api: {include: [${"x".repeat(127)}b]}\n`);
  const { message } = problems(() => selectTarget(parsed, "y".repeat(1_000_000)));
  assert.ok(message.length < 600, message);
  assert.match(message, /--target y{40}… \(1000000 characters\): no such target/);
  assert.match(problems(() => selectTarget(parsed, "api")).message, /no target named "x{40}… \(128 characters\)" \(did you mean "x{127}a"\?\)/);
});

test("an unknown field of 30,000 characters is named in short", () => {
  const { message } = problems(() => parseSpec(`? ${"m".repeat(30_000)}\n: x\n`));
  assert.equal(message, 'slimgo.yaml:1:3: unknown field "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm… (30000 characters)"');
});

test("a spec over 128 KiB is refused before it is parsed", () => {
  const text = `main: .\nlabels:\n${"  k: v\n".repeat(20_000)}`;
  assert.deepEqual(problems(() => parseSpec(text)).lines, ["slimgo.yaml:1:1: the spec is 136.7 KiB; the limit is 128 KiB (a spec holds settings; keep data in files the image copies)"]);
  // The limit is on UTF-8 bytes: 70,000 characters of two bytes each.
  assert.match(problems(() => parseSpec(`# ${"é".repeat(70_000)}\n`)).message, /the spec is 136\.7 KiB; the limit is 128 KiB/);
  assert.equal(parseSpec(`# ${"é".repeat(65_000)}\nmain: .\n`).spec.main, ".");
});

test("collections nested deeper than 64 levels are refused (yaml's recursion could abort the process)", () => {
  for (const text of [`x: ${"[".repeat(100_000)}`, `x: ${"[".repeat(50_000)}${"]".repeat(50_000)}`, "- ".repeat(50_000), "? ".repeat(50_000), "a: ".repeat(40_000)]) {
    const { lines } = problems(() => parseSpec(text));
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0] as string, /^slimgo\.yaml:1:\d+: collections nest more than 64 levels deep here \(a spec needs a few levels/);
  }
  // Fifty levels pass the reader; the decoder then says what it expected.
  assert.deepEqual(problems(() => parseSpec(`labels: {a: ${"[".repeat(50)}${"]".repeat(50)}}\n`)).lines, ["slimgo.yaml:1:13: labels.a: expected a string, got a list"]);
});

test("a mapping of 10,000 keys is checked for duplicates in linear time (yaml's own check took 1.9 s)", () => {
  const keys = Array.from({ length: 10_000 }, (_, i) => `  k${i}: v`);
  const start = cpuNow();
  assert.equal(parseSpec(`labels:\n${keys.join("\n")}\n`).spec.labels.length, 10_000);
  assert.ok(cpuNow() - start < BOUND_MS);
  assert.deepEqual(problems(() => parseSpec(`labels:\n${keys.join("\n")}\n  k7: again\n  1: a\n  "1": b\n`)).lines, [
    "slimgo.yaml:10002:3: this key appears twice (keep one of them)",
  ]);
});

test("a spec with a problem on every character lists the first 50", () => {
  const { lines, message } = problems(() => parseSpec("]".repeat(100_000)));
  assert.equal(lines.length, 100_000);
  const listed = message.split("\n");
  assert.equal(listed.length, 51);
  assert.equal(listed[50], "slimgo.yaml: 99950 more problems not listed (fix the ones above first)");
});

test("a value holding a newline is quoted on one line (found by make fuzz)", () => {
  const { lines } = problems(() => parseSpec("main: |+\n \n"));
  assert.deepEqual(lines, ['slimgo.yaml:1:7: main: "\\n" must start with "./" (did you mean "./\\n"?)']);
});

test("--target on a spec of 5,000 targets names ten of them, not all (found by make fuzz)", () => {
  const spec = `targets:\n${Array.from({ length: 5_000 }, (_, i) => `  t${i}: {}`).join("\n")}\n`;
  const { lines } = problems(() => selectTarget(parseSpec(spec), "t0x"));
  assert.equal(lines.length, 1);
  assert.match(lines[0] as string, /no such target \(this spec has t0, t1, t2, t3, t4, t5, t6, t7, t8, t9 and 4990 more\)/);
  assert.ok((lines[0] as string).length < 1000, `${(lines[0] as string).length} characters`);
});
