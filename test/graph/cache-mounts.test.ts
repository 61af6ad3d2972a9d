/** Every cache mount of the graph is named for the plan's cache namespace, never with a fixed id. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { toJsonString } from "@bufbuild/protobuf";
import { DefinitionSchema } from "../../src/gen/pb/ops_pb.js";
import { namedExecs, recipeDefinitions } from "./recipe.js";

const goMod = "module example.com/app\n\ngo 1.24\n";

function cacheIds(buildArgs: Record<string, string> = {}, cacheNamespace?: string) {
  const { plan, defs } = recipeDefinitions({
    spec: "main: .\ncgo: true\nlink: static\n",
    goMod,
    platforms: "linux/amd64",
    buildArgs,
    ...(cacheNamespace !== undefined ? { options: { cacheNamespace } } : {}),
  });
  const ids = defs.flatMap(namedExecs).flatMap((s) => s.exec.mounts.flatMap((m) => (m.cacheOpt ? [m.cacheOpt.ID] : [])));
  return { plan, ids: [...new Set(ids)].sort(), json: defs.map((d) => toJsonString(DefinitionSchema, d)).join("\n") };
}

test("the fetch and go-build cache ids end with the plan's key", () => {
  const { plan, ids } = cacheIds();
  assert.deepEqual(ids, [`slimgo-go-build-linux-amd64-cgo1-${plan.cacheKey}`, `slimgo-gomod-fetch-${plan.cacheKey}`]);
});

test("another namespace gets other cache ids, and the graph never spells the namespace", () => {
  const base = cacheIds().ids;
  const tenant = cacheIds({}, "tenant-secret-7f3a/repo");
  const arg = cacheIds({ SLIMGO_CACHE_NAMESPACE: "my-team-secret" });
  for (const other of [tenant, arg]) for (const id of other.ids) assert.ok(!base.includes(id), id);
  assert.ok(!tenant.json.includes("tenant-secret-7f3a"));
  assert.ok(!arg.json.includes("my-team-secret"));
});
