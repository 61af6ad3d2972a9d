/** `--call size` walks the image through ReadDir: a daemon that answers without end must not walk it without end. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { GatewayReplyError } from "../../src/gateway/reply-errors.js";
import type { Plan } from "../../src/plan/types.js";
import { sizeResult } from "../../src/server/size-request.js";
import { FakeStatus, connectFake } from "../support/fake-gateway.js";

test("a directory that contains itself for ever stops at the depth limit", async () => {
  let calls = 0;
  const { server, gw } = await connectFake({
    readDir: () => {
      // A bound for the fake itself, far past the limit, so a walk without one fails instead of hanging.
      if (++calls > 5000) throw new FakeStatus(2, "the fake gave up");
      return { entries: [{ path: "a", mode: 0x80000000 }] };
    },
  });
  try {
    await assert.rejects(
      sizeResult(gw, {} as Plan, [{ platform: { os: "linux", architecture: "amd64" }, ref: "image" }], []),
      (e: unknown) => e instanceof GatewayReplyError && /^BuildKit's ReadDir reply nests directories deeper than 512 levels \(at \/a\/a\/a/.test(e.message),
    );
    assert.equal(calls, 513);
  } finally {
    gw.close();
    server.close();
  }
});
