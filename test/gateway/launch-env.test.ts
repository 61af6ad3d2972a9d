/** The launch environment BuildKit sets, and what slimgo says when it is not what BuildKit would set. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_DEADLINES, deadlinesFromEnv } from "../../src/gateway/deadlines.js";
import { LaunchError, readLaunchEnv } from "../../src/gateway/options.js";

const workers = (json: string) => readLaunchEnv({ BUILDKIT_WORKERS: json }).workers;

test("BUILDKIT_WORKERS as buildkitd writes it", () => {
  const json = JSON.stringify([
    {
      id: "w0",
      labels: { "org.mobyproject.buildkit.worker.executor": "oci" },
      platforms: [{ architecture: "amd64", os: "linux" }, { architecture: "arm", os: "linux", variant: "v7" }, { architecture: "386", os: "linux", variant: "" }],
      gcPolicy: null,
      buildkitVersion: { package: "github.com/moby/buildkit", version: "v0.25.2", revision: "x" },
      cdiDevices: null,
    },
    { id: "w1", platforms: null },
  ]);
  assert.deepEqual(workers(json), [
    {
      platforms: [{ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "arm", variant: "v7" }, { os: "linux", architecture: "386" }],
      buildkitVersion: "v0.25.2",
    },
    { platforms: [] },
  ]);
  assert.deepEqual(workers(""), []);
  assert.deepEqual(readLaunchEnv({}).workers, []);
});

test("a BUILDKIT_WORKERS BuildKit would never write is a LaunchError naming it and what is wrong", () => {
  const cases: Array<[string, RegExp]> = [
    ["[null]", /^BUILDKIT_WORKERS has worker 1 null, not an object \(BuildKit sets it to a JSON list of workers/],
    ["null", /^BUILDKIT_WORKERS is null, not a list/],
    ['{"platforms":[]}', /^BUILDKIT_WORKERS is an object, not a list/],
    ["{garbage", /^BUILDKIT_WORKERS is not valid JSON \("\{garbage"\)/],
    ['[{"platforms":[null]}]', /^BUILDKIT_WORKERS has worker 1 with an unusable platform 1: it is null, not an object/],
    ['[{"platforms":"linux/amd64"}]', /^BUILDKIT_WORKERS has worker 1 whose platforms are "linux\/amd64", not a list/],
    ['[{"platforms":[{"os":"linux"}]}]', /unusable platform 1: its architecture is missing, not a name like "amd64"/],
    ['[{"platforms":[{"os":"linux","architecture":"amd64","variant":5}]}]', /its variant is number 5, not a name like "v7"/],
    ['[{"platforms":[{"os":"linux","architecture":"../../etc"}]}]', /its architecture is "..\/..\/etc"/],
  ];
  for (const [json, message] of cases) {
    assert.throws(() => workers(json), (e: unknown) => e instanceof LaunchError && message.test(e.message), json);
  }
});

test("a garbage BUILDKIT_WORKERS is quoted short, never whole", () => {
  assert.throws(() => workers(`{${"x".repeat(100_000)}`), (e: unknown) => e instanceof Error && e.message.length < 300);
});

test("SLIMGO_GATEWAY_TIMEOUT_MS sets every lookup deadline; anything but whole milliseconds is refused by name", () => {
  assert.deepEqual(deadlinesFromEnv({}), DEFAULT_DEADLINES);
  assert.deepEqual(deadlinesFromEnv({ SLIMGO_GATEWAY_TIMEOUT_MS: "250" }), { metadataMs: 250, resolveMs: 250 });
  for (const raw of ["abc", "0", "-5", "1e3", "1.5", "99999999999"]) {
    assert.throws(
      () => deadlinesFromEnv({ SLIMGO_GATEWAY_TIMEOUT_MS: raw }),
      (e: unknown) => e instanceof LaunchError && e.message.startsWith(`SLIMGO_GATEWAY_TIMEOUT_MS must be a whole number of milliseconds from 1 to 2147483647, not "${raw}"`),
      raw,
    );
  }
});
