import assert from "node:assert/strict";
import { test } from "node:test";
import { definitionDigests, image, marshal } from "../../src/llb/index.js";
import { amd64, ops, sources } from "./helpers.js";

const DIGEST = `sha256:${"c".repeat(64)}`;

test("an image from a client's OCI layout is an oci-layout:// source with the session and store, as client/llb writes it", () => {
  const def = marshal(image(`alpine:3.21@${DIGEST}`, { platform: amd64, ociStore: { sessionId: "sess", storeId: "store1" } }));
  const [source] = sources(def);
  assert.equal(source?.identifier, `oci-layout://docker.io/library/alpine:3.21@${DIGEST}`);
  assert.deepEqual(source?.attrs, { "oci.session": "sess", "oci.store": "store1" });
  assert.equal(ops(def)[0]?.platform?.Architecture, "amd64");
  const meta = def.metadata[definitionDigests(def)[0] ?? ""];
  assert.ok(meta?.caps["source.ocilayout"], "the source.ocilayout cap is required");
});

test("an OCI layout image without session or store is refused", () => {
  assert.throws(() => image(`alpine@${DIGEST}`, { ociStore: { sessionId: "", storeId: "s" } }), /no session or store id/);
});
