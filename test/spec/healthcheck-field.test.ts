import assert from "node:assert/strict";
import { test } from "node:test";
import { SpecErrors, parseSpec } from "../../src/spec/index.js";
import { parseDuration } from "../../src/spec/healthcheck.js";

function problems(text: string): string[] {
  try {
    parseSpec(text);
  } catch (err) {
    assert.ok(err instanceof SpecErrors);
    return err.message.split("\n");
  }
  assert.fail("expected the spec to be refused");
}

test("healthcheck: exec form with Go-style durations, in nanoseconds", () => {
  const { spec } = parseSpec(
    "healthcheck:\n  test: [/usr/local/bin/server, -healthcheck]\n  interval: 1m30s\n  timeout: 500ms\n  startPeriod: 10s\n  startInterval: 1s\n  retries: 3\n",
  );
  assert.deepEqual(spec.healthcheck, {
    test: ["/usr/local/bin/server", "-healthcheck"],
    interval: 90e9,
    timeout: 500e6,
    startPeriod: 10e9,
    startInterval: 1e9,
    retries: 3,
  });
  assert.deepEqual(parseSpec("healthcheck: {test: [/app, ping]}\n").spec.healthcheck, { test: ["/app", "ping"] });
  assert.equal(parseSpec("main: .\n").spec.healthcheck, undefined);
});

test("healthcheck: a command line (shell form) is refused with the list to write instead", () => {
  assert.deepEqual(problems("healthcheck:\n  test: curl -f http://localhost/\n"), [
    'slimgo.yaml:2:9: healthcheck.test: expected a list (exec form), got "curl -f http://localhost/" (the image has no shell; write the command as a list, like test: [curl, -f, http://localhost/])',
  ]);
  assert.match(problems("healthcheck: /app -health\n")[0] ?? "", /^slimgo\.yaml:1:14: healthcheck: expected \{test, .*the image has no shell/);
});

test("healthcheck: every bad key and value is reported on itself", () => {
  assert.deepEqual(problems("healthcheck:\n  test: []\n  interval: 30 seconds\n  timeout: 0s\n  retries: -1\n  every: 5s\n"), [
    "slimgo.yaml:2:9: healthcheck.test: the command is empty (name the program first, like [/usr/local/bin/server, -healthcheck])",
    'slimgo.yaml:3:13: healthcheck.interval: "30 seconds" is not a duration (like "30s", "1m30s" or "500ms")',
    'slimgo.yaml:4:12: healthcheck.timeout: "0s" is shorter than 1ms (Docker refuses shorter health check durations; leave the key out for Docker\'s default)',
    'slimgo.yaml:5:12: healthcheck.retries: "-1" is not a number of retries (a whole number up to 9999, like 3)',
    'slimgo.yaml:6:3: healthcheck: unknown key "every" (healthcheck has test, interval, timeout, startPeriod, startInterval, retries)',
  ]);
  assert.deepEqual(problems("healthcheck: {interval: 5s}\n"), [
    "slimgo.yaml:1:14: healthcheck: needs test: the command that checks the service (like healthcheck: {test: [/usr/local/bin/server, -healthcheck], interval: 30s, timeout: 5s, retries: 3})",
  ]);
});

test("durations: bounded input, bounded values", () => {
  assert.equal(parseDuration("1h2m3.5s"), 3723.5e9);
  assert.deepEqual(parseDuration("25h"), { message: '"25h" is longer than 24h' });
  assert.ok(typeof parseDuration("1".repeat(10_000) + "s") === "object");
  assert.ok(typeof parseDuration("s") === "object");
});

test("stopSignal: a signal name or number; lower case gets the upper-case spelling", () => {
  assert.equal(parseSpec("stopSignal: SIGINT\n").spec.stopSignal, "SIGINT");
  assert.equal(parseSpec("stopSignal: 2\n").spec.stopSignal, "2");
  assert.equal(parseSpec("stopSignal: SIGRTMIN+3\n").spec.stopSignal, "SIGRTMIN+3");
  assert.deepEqual(problems("stopSignal: sigint\n"), ['slimgo.yaml:1:13: stopSignal: "sigint" is not a signal name (signal names are upper case: did you mean "SIGINT"?)']);
  assert.deepEqual(problems("stopSignal: 99\n"), ["slimgo.yaml:1:13: stopSignal: signal 99 is out of range (signal numbers are 1 to 64)"]);
});

test("annotations: a map of names to values; names without whitespace", () => {
  assert.deepEqual(parseSpec("annotations:\n  org.opencontainers.image.source: https://example.com/x\n").spec.annotations, [
    ["org.opencontainers.image.source", "https://example.com/x"],
  ]);
  assert.deepEqual(problems('annotations:\n  "a b": c\n'), ['slimgo.yaml:2:3: annotations.a b: "a b" contains whitespace (like "org.opencontainers.image.source")']);
});
