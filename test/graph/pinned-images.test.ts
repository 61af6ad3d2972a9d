/** The graph names the builder and base images by the digests resolved for each platform. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { BUILDER_DIGEST, imageSources, recipeDefinitions } from "./recipe.js";

const goMod = "module example.com/app\n\ngo 1.24\n";
const AMD = `sha256:${"a".repeat(64)}`;
const ARM = `sha256:${"e".repeat(64)}`;

test("each platform's final stage starts from its base image's resolved digest", () => {
  const { defs } = recipeDefinitions({
    spec: "main: .\nbase: gcr.io/distroless/static-debian12:nonroot\n",
    goMod,
    platforms: "linux/amd64,linux/arm64",
    inputs: { baseDigests: new Map([["linux/amd64", AMD], ["linux/arm64", ARM]]) },
  });
  const [amd, arm] = defs.map(imageSources);
  const builder = `docker-image://docker.io/library/golang:1.24-bookworm@${BUILDER_DIGEST}`;
  assert.deepEqual(amd?.sort(), [builder, `docker-image://gcr.io/distroless/static-debian12:nonroot@${AMD}`]);
  assert.deepEqual(arm?.sort(), [builder, `docker-image://gcr.io/distroless/static-debian12:nonroot@${ARM}`]);
});

test("without a resolved digest (slimgo plan --llb, offline) the tag is all there is", () => {
  const { defs } = recipeDefinitions({ spec: "main: .\n", goMod, inputs: { builderDigest: "" } });
  assert.deepEqual(defs.flatMap(imageSources), ["docker-image://docker.io/library/golang:1.24-bookworm"]);
});
