import assert from "node:assert/strict";
import { test } from "node:test";
import { RpcError } from "../../src/gateway/rpc.js";
import { FakeStatus, connectFake as connect } from "../support/fake-gateway.js";

test("ping over the stdio bridge returns enabled caps and the worker platform", async () => {
  const { server, gw } = await connect({
    ping: () => ({
      FrontendAPICaps: [
        { ID: "solve.base", Enabled: true },
        { ID: "gateway.warnings", Enabled: false },
      ],
      LLBCaps: [{ ID: "file.base", Enabled: true }],
      Workers: [{ ID: "w0", platforms: [{ OS: "linux", Architecture: "arm", Variant: "v7" }] }],
    }),
  });
  try {
    const pong = await gw.ping();
    assert.deepEqual([...pong.caps.frontend], ["solve.base"]);
    assert.deepEqual([...pong.caps.llb], ["file.base"]);
    assert.deepEqual(pong.platforms, [{ os: "linux", architecture: "arm", variant: "v7" }]);
  } finally {
    gw.close();
    server.close();
  }
});

test("several calls share the one bridged connection, and large replies pass", async () => {
  const big = new Uint8Array(6 << 20).fill(7); // above grpc-js's 4 MiB default
  const { server, gw } = await connect({
    solve: () => ({ result: { result: { case: "ref", value: { id: "ref-1" } } } }),
    readFile: (req) => {
      assert.equal(req.Ref, "ref-1");
      return { Data: req.FilePath === "big" ? big : new TextEncoder().encode("main: .\n") };
    },
  });
  try {
    const ref = await gw.solve({ def: [], metadata: {} } as never);
    assert.equal(ref, "ref-1");
    assert.equal(new TextDecoder().decode(await gw.readFile(ref, "slimgo.yaml")), "main: .\n");
    assert.equal((await gw.readFile(ref, "big")).length, big.length);
    assert.deepEqual(
      server.calls.map(([m]) => m),
      ["Solve", "ReadFile", "ReadFile"],
    );
  } finally {
    gw.close();
    server.close();
  }
});

test("a server error surfaces as RpcError with method and code", async () => {
  const { server, gw } = await connect({
    readFile: () => {
      throw new FakeStatus(5, "open /go.mod: no such file or directory");
    },
  });
  try {
    await assert.rejects(gw.readFile("r", "go.mod"), (err: unknown) => {
      assert.ok(err instanceof RpcError);
      assert.equal(err.code, 5);
      assert.equal(err.method, "ReadFile");
      assert.match(err.message, /^ReadFile: NOT_FOUND: open \/go.mod/);
      return true;
    });
  } finally {
    gw.close();
    server.close();
  }
});
