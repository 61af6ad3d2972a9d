import assert from "node:assert/strict";
import { test } from "node:test";
import { PlatformError, isPlatformError, parsePlatforms } from "../../src/plan/index.js";

const valid: Array<[string, unknown]> = [
  ["linux/amd64", [{ os: "linux", architecture: "amd64" }]],
  ["linux/amd64,linux/arm64/v8", [{ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "arm64" }]],
  ["linux/amd64/v1", [{ os: "linux", architecture: "amd64" }]],
  ["linux/amd64/v3", [{ os: "linux", architecture: "amd64", variant: "v3" }]],
  ["linux/arm", [{ os: "linux", architecture: "arm", variant: "v7" }]],
  ["linux/arm/6", [{ os: "linux", architecture: "arm", variant: "v6" }]],
  ["linux/armhf", [{ os: "linux", architecture: "arm", variant: "v7" }]],
  ["linux/aarch64", [{ os: "linux", architecture: "arm64" }]],
  ["linux/x86_64", [{ os: "linux", architecture: "amd64" }]],
  ["linux/i386", [{ os: "linux", architecture: "386" }]],
  ["Linux/ARM64", [{ os: "linux", architecture: "arm64" }]],
  [" linux/s390x , linux/riscv64 ", [{ os: "linux", architecture: "s390x" }, { os: "linux", architecture: "riscv64" }]],
  ["linux/arm64,linux/aarch64,linux/arm64/v8", [{ os: "linux", architecture: "arm64" }]],
  ["linux/arm64/v9", [{ os: "linux", architecture: "arm64", variant: "v9" }]],
];
for (const [text, expected] of valid) {
  test(`platforms "${text}"`, () => assert.deepEqual(parsePlatforms(text), expected));
}

const invalid: Array<[string, string]> = [
  ["linux/amd46", 'invalid platform "linux/amd46": unknown architecture "amd46" (did you mean "amd64"?)'],
  ["arm64", 'invalid platform "arm64": expected os/arch[/variant] (write "linux/arm64")'],
  ["linux", 'invalid platform "linux": expected os/arch[/variant] (write it as os/arch[/variant], like "linux/arm64")'],
  ["windows/amd64", 'invalid platform "windows/amd64": slimgo builds Linux images, not windows (use "linux/amd64")'],
  ["linux/amd64,", 'invalid platform "": empty entry (write platforms like "linux/amd64,linux/arm64")'],
  ["linux/arm/v8", 'invalid platform "linux/arm/v8": arm variants are v5, v6 and v7, not "v8" (use "linux/arm64" for 64-bit ARM)'],
  ["linux/amd64/v5", 'invalid platform "linux/amd64/v5": amd64 variants are v1 to v4, not "v5"'],
  ["linux/s390x/v2", 'invalid platform "linux/s390x/v2": s390x has no variants (drop "/v2")'],
  ["linux/arm64/v8/x", 'invalid platform "linux/arm64/v8/x": expected os/arch[/variant] (write it as os/arch[/variant], like "linux/arm64")'],
];
for (const [text, message] of invalid) {
  test(`bad platforms "${text}"`, () => {
    assert.throws(
      () => parsePlatforms(text),
      (err: unknown) => err instanceof PlatformError && isPlatformError(err) && err.name === "PlatformError" && err.message === message,
    );
  });
}
