import assert from "node:assert/strict";
import { test } from "node:test";
import { parseGoMod } from "../../src/gomod/index.js";
import { makePlan } from "../../src/plan/index.js";
import { UserError } from "../../src/server/errors.js";
import { contextNames, imageFromContext, withImageContexts } from "../../src/server/image-contexts.js";
import { parseSpec } from "../../src/spec/index.js";

const AMD64 = { os: "linux", architecture: "amd64" };
const plan = (spec: string) => {
  const parsed = parseSpec(spec);
  return { parsed, plan: makePlan({ spec: parsed, goMod: parseGoMod("module example.com/a\n\ngo 1.24\n"), options: { platforms: [], buildPlatform: AMD64, buildArgs: {}, network: "sandbox", noCache: false } }) };
};

test("an image is found under its name as written, as docker prints it, and in full", () => {
  assert.deepEqual(contextNames("golang:1.24-bookworm"), ["golang:1.24-bookworm", "docker.io/library/golang:1.24-bookworm"]);
  assert.deepEqual(contextNames("docker.io/library/alpine"), ["docker.io/library/alpine", "alpine", "docker.io/library/alpine:latest"]);
  assert.deepEqual(contextNames("ghcr.io/acme/base:1"), ["ghcr.io/acme/base:1"]);
});

test("--build-context golang:1.24-bookworm=docker-image://… replaces the builder; a base image likewise", () => {
  const contexts = new Map([
    ["golang:1.24-bookworm", "docker-image://127.0.0.1:5000/golang:1.24"],
    ["alpine:3.21", "docker-image://127.0.0.1:5000/alpine@sha256:" + "a".repeat(64)],
  ]);
  const { parsed, plan: p } = plan("base: alpine:3.21\n");
  const replaced = withImageContexts(p, contexts, parsed).plan;
  assert.equal(replaced.builderImage, "127.0.0.1:5000/golang:1.24");
  assert.deepEqual(replaced.base, { kind: "image", ref: "127.0.0.1:5000/alpine@sha256:" + "a".repeat(64) });
  // Unrelated contexts (a replace directory) leave the plan as it is.
  const { parsed: p2, plan: plain } = plan("main: .\n");
  assert.equal(withImageContexts(plain, new Map([["greet", "local:greet"]]), p2).plan, plain);
});

test("a context that is not an image cannot replace one, and says which form works", () => {
  const { parsed, plan: p } = plan("# syntax=slimgo:dev\nbuilder: golang:1.24-bookworm\n");
  assert.throws(
    () => withImageContexts(p, new Map([["golang:1.24-bookworm", "local:golang:1.24-bookworm"]]), parsed),
    (err: unknown) =>
      err instanceof UserError &&
      err.where?.line === 2 &&
      err.message === "--build-context golang:1.24-bookworm=local:… cannot replace the image golang:1.24-bookworm: pass an image: --build-context golang:1.24-bookworm=docker-image://REF or golang:1.24-bookworm=oci-layout:///path/to/layout",
  );
  assert.deepEqual(imageFromContext("golang:1.24", new Map([["golang:1.24", "docker-image://Not Valid"]])), {
    problem: { message: '--build-context golang:1.24=docker-image://Not Valid: "Not Valid" is not an image reference', hint: "like --build-context golang:1.24=docker-image://registry.example.com/golang:1.24" },
  });
});

test("--build-context NAME=oci-layout://STORE@DIGEST: the image named after the context, pinned, from the session's store", () => {
  const digest = "sha256:" + "b".repeat(64);
  const { parsed, plan: p } = plan("base: alpine:3.21\n");
  const { plan: replaced, ociStores } = withImageContexts(p, new Map([["alpine:3.21", `oci-layout://0a1b2c3d@${digest}`]]), parsed, "sess-1");
  assert.deepEqual(replaced.base, { kind: "image", ref: `docker.io/library/alpine:3.21@${digest}` });
  assert.deepEqual([...ociStores], [[`docker.io/library/alpine:3.21@${digest}`, { sessionId: "sess-1", storeId: "0a1b2c3d" }]]);
  assert.equal(replaced.builderImage, p.builderImage, "the builder stays");
  // buildx may keep a tag on the store name; the digest is what counts.
  assert.deepEqual(imageFromContext("alpine:3.21", new Map([["alpine:3.21", `oci-layout://store:latest@${digest}`]]), "s"), {
    ref: `docker.io/library/alpine:3.21@${digest}`,
    ociStore: { sessionId: "s", storeId: "store" },
  });
  assert.deepEqual(imageFromContext("alpine:3.21", new Map([["alpine:3.21", "oci-layout://store:latest"]])), {
    problem: { message: "--build-context alpine:3.21=oci-layout://store:latest: no sha256 digest after @", hint: "like --build-context alpine:3.21=oci-layout:///path/to/layout (buildx adds the digest)" },
  });
});
