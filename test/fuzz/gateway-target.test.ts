/** The gateway target's in-process BuildKit: a clean fixture build returns once, a reply that never comes is named. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadProjects } from "../../fuzz/gateway/generate.js";
import type { Scenario } from "../../fuzz/gateway/scenario.js";
import { load } from "../../fuzz/targets/gateway.js";

const root = process.cwd();
const plain = loadProjects(root).find((p) => p.name === "plain");

function scenario(faults: Scenario["faults"]): Uint8Array {
  assert.ok(plain, "the plain fixture project");
  const s: Scenario = {
    env: { BUILDKIT_SESSION_ID: "s", BUILDKIT_WORKERS: '[{"platforms":[{"os":"linux","architecture":"amd64"}]}]', BUILDKIT_FRONTEND_OPT_0: "filename=slimgo.yaml" },
    specFiles: { "slimgo.yaml": plain.spec },
    contextFiles: plain.files,
    binary: { kind: "seed" },
    goList: "std net\n",
    workers: [{ OS: "linux", Architecture: "amd64" }],
    faults,
  };
  return new TextEncoder().encode(JSON.stringify(s));
}

test("a clean build of a fixture project sends one Return and is no finding", async () => {
  const target = await load({ root, goBinaries: new Map() });
  await target.run(scenario([]));
});

test("a Ping that is never answered leaves the run pending, and the target says on what", async () => {
  const target = await load({ root, goBinaries: new Map() });
  const run = Promise.resolve(target.run(scenario([{ method: "ping", nth: 0, what: "no-reply" }])));
  const outcome = await Promise.race([run.then(() => "settled"), new Promise((resolve) => setTimeout(resolve, 300, "pending"))]);
  assert.equal(outcome, "pending");
  assert.equal(target.describeStall?.(), "no reply to Ping");
});
