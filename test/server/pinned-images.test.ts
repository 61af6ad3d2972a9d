/** The frontend builds on the image digests it resolved, and names its caches for the namespace it was given. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import { type Definition, OpSchema } from "../../src/gen/pb/ops_pb.js";
import { pinImageRef } from "../../src/graph/pinned-image.js";
import { LlbError } from "../../src/llb/index.js";
import { runInProcess } from "./in-process.js";

const GO_MOD = "module example.com/app\n\ngo 1.24\n";
/** What the in-process fake answers to every ResolveImageConfig. */
const RESOLVED_DIGEST = `sha256:${"ab".repeat(32)}`;

function ops(defs: readonly Definition[]) {
  return defs.flatMap((d) => d.def.map((b) => fromBinary(OpSchema, b)));
}

test("the builder image is solved by the digest ResolveImageConfig returned, tag kept", async () => {
  const { solved } = await runInProcess({ spec: "main: .\n", goMod: GO_MOD });
  const images = new Set(ops(solved).flatMap((op) => (op.op.case === "source" && op.op.value.identifier.startsWith("docker-image://") ? [op.op.value.identifier] : [])));
  assert.deepEqual([...images], [`docker-image://docker.io/library/golang:1.24-bookworm@${RESOLVED_DIGEST}`]);
});

test("a reference that names its digest keeps it; an answer that is not a digest is an error naming the image", () => {
  const pinned = `golang:1.24@sha256:${"c".repeat(64)}`;
  assert.equal(pinImageRef(pinned, `sha256:${"b".repeat(64)}`), pinned);
  assert.equal(pinImageRef("golang:1.24", ""), "golang:1.24");
  assert.equal(pinImageRef("golang:1.24", `sha256:${"b".repeat(64)}`), `docker.io/library/golang:1.24@sha256:${"b".repeat(64)}`);
  assert.throws(() => pinImageRef("golang:1.24", "sha256:xyz"), (err: unknown) => err instanceof LlbError && /golang:1\.24.*"sha256:xyz", which is not a digest/.test(err.message));
});

test("the cache-namespace option renames every cache mount, and the graph does not spell it", async () => {
  const cacheIds = (defs: readonly Definition[]) =>
    [...new Set(ops(defs).flatMap((op) => (op.op.case === "exec" ? op.op.value.mounts.flatMap((m) => (m.cacheOpt ? [m.cacheOpt.ID] : [])) : [])))].sort();
  const plain = await runInProcess({ spec: "main: .\n", goMod: GO_MOD });
  const tenant = await runInProcess({ spec: "main: .\n", goMod: GO_MOD, opts: { "cache-namespace": "tenant-a/secret-repo" } });
  const ids = cacheIds(tenant.solved);
  assert.equal(ids.length, 2, ids.join(", "));
  for (const id of ids) assert.ok(!cacheIds(plain.solved).includes(id), id);
  const bytes = tenant.solved.flatMap((d) => d.def.map((b) => Buffer.from(b).toString("latin1"))).join("");
  assert.ok(!bytes.includes("secret-repo"));
});
