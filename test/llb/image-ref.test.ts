import assert from "node:assert/strict";
import { test } from "node:test";
import { image, isLlbError, LlbError, normalizeImageRef } from "../../src/llb/index.js";

const HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

test("references normalise like distribution/reference", () => {
  const cases: Array<[string, string]> = [
    ["golang:1.24", "docker.io/library/golang:1.24"],
    ["alpine", "docker.io/library/alpine:latest"],
    ["library/alpine:3", "docker.io/library/alpine:3"],
    ["owner/app", "docker.io/owner/app:latest"],
    ["docker.io/alpine", "docker.io/library/alpine:latest"],
    ["index.docker.io/foo/bar", "docker.io/foo/bar:latest"],
    ["index.docker.io/alpine", "docker.io/library/alpine:latest"],
    ["ghcr.io/owner/repo:v1", "ghcr.io/owner/repo:v1"],
    ["127.0.0.1:5000/x:y", "127.0.0.1:5000/x:y"],
    ["localhost/foo", "localhost/foo:latest"],
    ["localhost:5000/a/b", "localhost:5000/a/b:latest"],
    ["Example.com/app", "Example.com/app:latest"],
    ["[::1]:5000/app:v", "[::1]:5000/app:v"],
    [`alpine@sha256:${HEX}`, `docker.io/library/alpine@sha256:${HEX}`],
    [`golang:1.24@sha256:${HEX}`, `docker.io/library/golang:1.24@sha256:${HEX}`],
    ["a__b/c--d.e:TAG_1.x-y", "docker.io/a__b/c--d.e:TAG_1.x-y"],
  ];
  for (const [input, want] of cases) assert.equal(normalizeImageRef(input), want, input);
});

test("bad references throw LlbError naming the reference", () => {
  const cases: Array<[string, RegExp]> = [
    ["", /^image reference is empty$/],
    ["Alpine", /"Alpine": repository name "docker\.io\/library\/Alpine"|must be lowercase/],
    ["owner/App:1", /must be lowercase/],
    [HEX, /64-character hex id/],
    ["alpine:bad tag", /invalid reference format/],
    ["alpine@sha256:abc", /invalid sha256 digest|invalid reference format/],
    [`alpine@md5:${HEX}`, /unsupported digest algorithm "md5"/],
    ["alpine@sha256:" + HEX.toUpperCase(), /invalid sha256 digest/],
    ["-x/y", /invalid reference format/],
    [`a/${"b".repeat(260)}`, /not be more than 255 characters/],
  ];
  for (const [input, re] of cases) {
    assert.throws(
      () => image(input),
      (err: unknown) => {
        assert.ok(err instanceof LlbError, `${input}: ${String(err)}`);
        assert.ok(isLlbError(err));
        assert.equal(err.name, "LlbError");
        assert.match(err.message, re);
        return true;
      },
      input,
    );
  }
});
