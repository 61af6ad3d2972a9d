import assert from "node:assert/strict";
import { test } from "node:test";
import { create, fromJsonString, type MessageInitShape } from "@bufbuild/protobuf";
import { StatusResponseSchema } from "../../src/gen/control/control_pb.js";
import { PlainPrinter } from "../../src/client/progress/plain.js";
import { TtyPrinter } from "../../src/client/progress/tty.js";
import { makePrinter } from "../../src/client/progress/index.js";
import { bytes } from "../../src/client/progress/state.js";

const T0 = 1_800_000_000n;
const ts = (ms: number) => ({ seconds: T0 + BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });
const enc = (s: string) => new TextEncoder().encode(s);
const status = (s: MessageInitShape<typeof StatusResponseSchema>) => create(StatusResponseSchema, s);

/** A build as Control.Status reports it: a cached step, a step with logs split mid-line, a warning, a verdict. */
const RECORDED = [
  status({ vertexes: [{ digest: "d1", name: "[internal] load build definition from slimgo.yaml", started: ts(0) }] }),
  status({
    vertexes: [{ digest: "d1", name: "[internal] load build definition from slimgo.yaml", started: ts(0), completed: ts(40) }],
    statuses: [{ ID: "transferring dockerfile:", name: "transferring", vertex: "d1", current: 98n, started: ts(0), completed: ts(30) }],
  }),
  status({ vertexes: [{ digest: "d2", name: "[builder] go mod download", cached: true, started: ts(50), completed: ts(50) }] }),
  status({ vertexes: [{ digest: "d3", name: "[hello] go build .", started: ts(100) }] }),
  status({ logs: [{ vertex: "d3", timestamp: ts(400), stream: 2n, msg: enc("slimgo: compiled 1 pack") }] }),
  status({ logs: [{ vertex: "d3", timestamp: ts(450), stream: 2n, msg: enc("age\nexample.com/hello\n") }] }),
  status({
    vertexes: [{ digest: "d3", name: "[hello] go build .", started: ts(100), completed: ts(1300) }],
    warnings: [{ vertex: "d1", level: 1n, short: enc("go.sum is missing: commit it"), info: { filename: "slimgo.yaml" }, ranges: [{ start: { line: 2, character: 1 } }] }],
  }),
  status({ vertexes: [{ digest: "d4", name: "verified hello linux/amd64: static amd64 ELF, go1.24.4, 1.1 MiB", started: ts(1310), completed: ts(1310) }] }),
];

test("plain progress: buildx's #N blocks, CACHED, logs with their time in the step, DONE, warnings with the spec line", () => {
  let out = "";
  const p = new PlainPrinter((s) => (out += s));
  for (const s of RECORDED) p.update(s);
  p.end();
  assert.equal(
    out,
    [
      "#1 [internal] load build definition from slimgo.yaml",
      "#1 transferring dockerfile: 98B done",
      "#1 DONE 0.0s",
      "",
      "#2 [builder] go mod download",
      "#2 CACHED",
      "",
      "#3 [hello] go build .",
      "#3 0.350 slimgo: compiled 1 package",
      "#3 0.350 example.com/hello",
      "#3 DONE 1.2s",
      "",
      "#4 verified hello linux/amd64: static amd64 ELF, go1.24.4, 1.1 MiB",
      "#4 DONE 0.0s",
      "",
      "1 warning found:",
      " - go.sum is missing: commit it (slimgo.yaml:2)",
      "",
    ].join("\n"),
  );
});

test("plain progress: a failed step ends with its error", () => {
  let out = "";
  const p = new PlainPrinter((s) => (out += s));
  p.update(status({ vertexes: [{ digest: "e", name: "[hello] go build .", started: ts(0) }] }));
  p.update(status({ logs: [{ vertex: "e", timestamp: ts(200), stream: 2n, msg: enc("main.go:3:1: syntax error\n") }] }));
  p.update(status({ vertexes: [{ digest: "e", name: "[hello] go build .", started: ts(0), completed: ts(300), error: "process did not complete successfully: exit code: 1" }] }));
  p.end();
  assert.equal(out, "#1 [hello] go build .\n#1 0.200 main.go:3:1: syntax error\n#1 ERROR: process did not complete successfully: exit code: 1\n");
});

test("a step that never ends a line keeps a bounded buffer", () => {
  let out = "";
  const p = new PlainPrinter((s) => (out += s));
  p.update(status({ vertexes: [{ digest: "x", name: "noisy", started: ts(0) }] }));
  const chunk = enc("y".repeat(1 << 20));
  for (let i = 0; i < 8; i++) p.update(status({ logs: [{ vertex: "x", timestamp: ts(1), msg: chunk }] }));
  p.end();
  assert.ok(out.length < 64 << 10, `printed ${out.length} bytes`);
});

test("tty view: steps with times, CACHED, the running step's last log lines, cut to the screen", () => {
  let now = 0;
  const t = new TtyPrinter({ write: () => {}, rows: () => 24, columns: () => 80, now: () => now });
  for (const s of RECORDED.slice(0, 5)) t.update(s);
  t.update(status({ logs: [{ vertex: "d3", timestamp: ts(460), msg: enc("one\ntwo\nthree\nfour\nfive\nsix\nseven\n") }] }));
  now = 1_000;
  const frame = t.frame(false);
  assert.equal(frame[0], "[+] Building 1.0s (2/3)");
  assert.match(frame[1] ?? "", /^ => \[internal\] load build definition from slimgo\.yaml +0\.0s$/);
  assert.equal(frame[2], " => => transferring dockerfile: 98B done");
  assert.match(frame[3] ?? "", /^ => CACHED \[builder\] go mod download +0\.0s$/);
  assert.match(frame[4] ?? "", /^ => \[hello\] go build \. +\d+\.\ds$/);
  assert.deepEqual(frame.slice(5), ["two", "three", "four", "five", "six", "seven"].map((l) => ` => => # ${l}`));
  assert.ok(frame.every((l) => l.length <= 80));
  for (const s of RECORDED.slice(5)) t.update(s);
  const final = t.frame(true);
  assert.equal(final[0], "[+] Building 1.0s (4/4) FINISHED");
  assert.equal(final.length, 6);
  t.end();
});

test("tty view: steps waiting for their inputs are hidden, and a failed step's log is printed whole after the view", () => {
  let out = "";
  const t = new TtyPrinter({ write: (x) => (out += x), rows: () => 24, columns: () => 40, now: () => 2_000 });
  const long = `go: example.com/m@v1.0.0: Get "https://proxy.golang.org/example.com/m/@v/v1.0.0.mod": dial tcp: lookup proxy.golang.org: no such host`;
  t.update(status({ vertexes: [{ digest: "w", name: "[hello] go build ." }, { digest: "f", name: "go mod download", started: ts(0) }] }));
  t.update(status({ logs: [{ vertex: "f", timestamp: ts(10), msg: enc(`${long}\n`) }] }));
  assert.deepEqual(t.frame(false).slice(1, 2).map((l) => l.replace(/ +\d+\.\ds$/, "")), [" => go mod download"]);
  assert.equal(t.frame(false).length, 3, "the waiting go build step is not shown");
  t.update(status({ vertexes: [{ digest: "f", name: "go mod download", started: ts(0), completed: ts(700), error: "exit code: 1" }] }));
  t.end();
  assert.match(out, /\[\+\] Building 0\.0s \(1\/2\) FAILED\n => ERROR go mod download +0\.7s\n------\n > go mod download:\n/);
  assert.ok(out.includes(`\n${long}\n------\n`), out);
});

test("tty view keeps to a small terminal", () => {
  const t = new TtyPrinter({ write: () => {}, rows: () => 6, columns: () => 40, now: () => 0 });
  for (let i = 0; i < 30; i++) t.update(status({ vertexes: [{ digest: `v${i}`, name: `step ${i}`, started: ts(i), completed: ts(i + 1) }] }));
  const frame = t.frame(false);
  assert.equal(frame.length, 5);
  assert.match(frame[4] ?? "", /step 29/);
  t.end();
});

test("rawjson: one StatusResponse per line, readable back", () => {
  let out = "";
  const stream = { write: (s: string) => ((out += s), true), isTTY: false } as unknown as NodeJS.WriteStream;
  const p = makePrinter("rawjson", stream);
  for (const s of RECORDED) p.update(s);
  p.end();
  const lines = out.trimEnd().split("\n");
  assert.equal(lines.length, RECORDED.length);
  assert.deepEqual(fromJsonString(StatusResponseSchema, lines[2] ?? ""), RECORDED[2]);
});

test("a warning that names its line already is not given it twice", async () => {
  const { warningText } = await import("../../src/client/progress/state.js");
  const w = RECORDED[6]?.warnings[0];
  assert.ok(w);
  assert.equal(warningText({ ...w, short: enc("NoGoSum: commit go.sum (line 1)") }), "NoGoSum: commit go.sum (line 1)");
});

test("sizes as buildx prints them", () => {
  assert.deepEqual([bytes(98), bytes(2310), bytes(12_500_000)], ["98B", "2.31kB", "12.5MB"]);
});
