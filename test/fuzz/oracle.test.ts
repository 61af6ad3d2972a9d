import assert from "node:assert/strict";
import { test } from "node:test";
import { judgeWith } from "../../fuzz/located.js";
import { InvariantViolation, classify, summarizeError } from "../../fuzz/oracle.js";
import { GoModError } from "../../src/gomod/index.js";
import { SpecErrors, parseSpec } from "../../src/spec/index.js";

const SPEC = "# syntax=slimgo:dev\nmian: ./cmd/api\n";
const input = new TextEncoder().encode(SPEC);
const judge = judgeWith(["SpecErrors", "GoModError"], () => new Map([["slimgo.yaml", SPEC], ["go.mod", "module x\n"]]));
const ROOT = process.cwd();

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("did not throw");
}

/** The run of one input that threw `err`, as the worker reports it. */
function run(err: unknown, ms = 3) {
  const judgement = judge(err, input);
  return judgement.verdict === "located" ? { end: "returned" as const, ms } : { end: "returned" as const, ms, error: summarizeError(err, ROOT), judgement };
}

test("a located spec error is fine", () => {
  const err = thrown(() => parseSpec(SPEC));
  assert.ok(err instanceof SpecErrors);
  assert.equal(judge(err, input).verdict, "located");
  assert.equal(classify("spec", "mutate", run(err)), undefined);
});

test("a TypeError is a crash keyed by its class and the first project frame", () => {
  const err = thrown(() => parseSpec(null as unknown as string));
  const f = classify("spec", "mutate", run(err));
  assert.equal(f?.kind, "crash");
  assert.match(f?.key ?? "", /^spec\|crash\|TypeError\|\S+ \(src\/spec\/[\w-]+\.ts:\d+\)$/);
  assert.match(f?.summary ?? "", /^crash: TypeError: /);
});

test("the project's own error is a bad-error when it points past the file or is not one line", () => {
  const past = new SpecErrors([{ file: "slimgo.yaml", line: 40, col: 1, endLine: 40, endCol: 2, path: "", message: "x" }]);
  assert.equal(classify("spec", "mutate", run(past))?.kind, "bad-error");
  // GoModError keeps its own text to one short line; the oracle must still catch an error that does not.
  const withMessage = (message: string) => Object.assign(new GoModError("go.mod", 1, 1, "x"), { message });
  const f = classify("gomod", "mutate", run(withMessage(`go.mod:1:1: unknown directive "${"a".repeat(3000)}"`)));
  assert.equal(f?.kind, "bad-error");
  assert.match(f?.summary ?? "", /message of \d+ characters/);
  assert.equal(classify("gomod", "mutate", run(withMessage("go.mod:1:1: one\ntwo")))?.kind, "bad-error");
});

test("an invariant violation is its own kind, keyed by its shape", () => {
  const err = new InvariantViolation("the frontend sends exactly one Return", "it sent 2");
  const f = classify("gateway", "clean", { end: "returned", ms: 1, error: summarizeError(err, ROOT), judgement: { verdict: "invariant", why: err.property } });
  assert.equal(f?.kind, "invariant");
  assert.equal(f?.key, "gateway|invariant|the frontend sends exactly one Return");
  assert.equal(f?.summary, "invariant: the frontend sends exactly one Return: it sent 2");
});

test("slow, hung, stalled and out-of-memory inputs are findings; a quick clean run is not", () => {
  assert.equal(classify("elf", "mutate", { end: "returned", ms: 20 }), undefined);
  assert.equal(classify("elf", "amplifier", { end: "returned", ms: 1500 })?.kind, "slow");
  assert.equal(classify("elf", "amplifier", { end: "killed", reason: "oom" })?.kind, "oom");
  assert.equal(classify("image", "bomb", { end: "killed", reason: "memory", mb: 900 })?.kind, "memory");
  const hang = classify("spec", "aliases", { end: "killed", reason: "hang", ms: 10_000, frames: ["visit (node_modules/yaml/dist/visit.js:1)", "resolveAliases (src/spec/parse-spec.ts:150)"] });
  assert.equal(hang?.kind, "hang");
  assert.equal(hang?.key, "spec|hang|resolveAliases (src/spec/parse-spec.ts:150)");
  const stall = classify("gateway", "no-reply", { end: "stalled", ms: 50, waitingFor: "no reply to Ping" });
  assert.equal(stall?.key, "gateway|stall|no reply to Ping");
  // Even a located error counts as slow when it took too long.
  assert.equal(classify("spec", "long", { end: "returned", ms: 2000 }, { slowMs: 1000, memoryMb: 256 })?.kind, "slow");
});
