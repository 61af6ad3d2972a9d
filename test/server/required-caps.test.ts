/** What slimgo says on a BuildKit too old for it (Docker 20.10's BuildKit v0.8 has every cap it needs). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkCaps } from "../../src/server/required-caps.js";

const FRONTEND = ["solve.base", "readfile", "readdir", "resolveimage", "return", "proto.refarray"];
const LLB = ["file.base", "exec.mount.cache", "exec.mount.bind", "exec.meta.network", "source.local.includepatterns", "source.local.followpaths"];
const caps = (frontend: string[], llb: string[]) => ({ frontend: new Set(frontend), llb: new Set(llb) });

test("a gateway with every needed cap passes", () => {
  assert.doesNotThrow(() => checkCaps(caps(FRONTEND, LLB), "docker"));
});

test("missing caps are named together, with the upgrade that brings them", () => {
  const without = (list: string[], ...ids: string[]) => list.filter((c) => !ids.includes(c));
  assert.throws(
    () => checkCaps(caps(without(FRONTEND, "proto.refarray"), without(LLB, "file.base", "exec.mount.cache")), "docker"),
    {
      name: "LaunchError",
      message:
        "this docker BuildKit lacks features slimgo needs: result refs (proto.refarray), file operations (file.base), cache mounts (exec.mount.cache); upgrade to BuildKit 0.8 or later (Docker 20.10+)",
    },
  );
});
