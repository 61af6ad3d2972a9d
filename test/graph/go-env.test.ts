import assert from "node:assert/strict";
import { test } from "node:test";
import { goPlatformEnv, platformId } from "../../src/graph/go-env.js";

const cases: Array<[string, { os: string; architecture: string; variant?: string }, Array<[string, string]>]> = [
  ["amd64", { os: "linux", architecture: "amd64" }, [["GOARCH", "amd64"], ["GOOS", "linux"]]],
  ["amd64 v3", { os: "linux", architecture: "amd64", variant: "v3" }, [["GOAMD64", "v3"], ["GOARCH", "amd64"], ["GOOS", "linux"]]],
  ["arm64", { os: "linux", architecture: "arm64" }, [["GOARCH", "arm64"], ["GOOS", "linux"]]],
  ["arm v6", { os: "linux", architecture: "arm", variant: "v6" }, [["GOARCH", "arm"], ["GOARM", "6"], ["GOOS", "linux"]]],
  ["arm without variant means v7", { os: "linux", architecture: "arm" }, [["GOARCH", "arm"], ["GOARM", "7"], ["GOOS", "linux"]]],
  ["riscv64", { os: "linux", architecture: "riscv64" }, [["GOARCH", "riscv64"], ["GOOS", "linux"]]],
];
for (const [name, platform, env] of cases) {
  test(`go env for ${name}`, () => assert.deepEqual(goPlatformEnv(platform), env));
}

test("platform ids keep the variant", () => {
  assert.equal(platformId({ os: "linux", architecture: "arm", variant: "v7" }), "linux/arm/v7");
  assert.equal(platformId({ os: "linux", architecture: "s390x" }), "linux/s390x");
});
