import assert from "node:assert/strict";
import { test } from "node:test";
import { status } from "@grpc/grpc-js";
import { ConnectError, chooseAddress, parseAddress } from "../../src/client/address.js";
import { unreachable } from "../../src/client/control.js";
import { RpcError } from "../../src/gateway/rpc.js";

test("unix, tcp and docker-buildx addresses", () => {
  assert.deepEqual(parseAddress("unix:///run/buildkit/buildkitd.sock"), { kind: "unix", url: "unix:///run/buildkit/buildkitd.sock", path: "/run/buildkit/buildkitd.sock" });
  assert.deepEqual(parseAddress("tcp://10.0.0.5:1234"), { kind: "tcp", url: "tcp://10.0.0.5:1234", host: "10.0.0.5", port: 1234 });
  assert.deepEqual(parseAddress("tcp://[::1]:1234", { ca: "ca.pem", cert: "c.pem", key: "c.key" }), {
    kind: "tcp", url: "tcp://[::1]:1234", host: "[::1]", port: 1234, tls: { ca: "ca.pem", cert: "c.pem", key: "c.key" },
  });
  assert.deepEqual(parseAddress("docker-buildx://"), { kind: "docker-buildx", url: "docker-buildx://" });
  assert.deepEqual(parseAddress("docker-buildx://farm-1"), { kind: "docker-buildx", url: "docker-buildx://farm-1", builder: "farm-1" });
});

test("bad addresses name what is wrong and the form to use", () => {
  const cases: Array<[string, RegExp]> = [
    ["localhost:1234", /has no scheme: write unix:\/\/\/path/],
    ["unix://relative.sock", /needs an absolute socket path/],
    ["tcp://host", /needs a host and a port: tcp:\/\/10.0.0.5:1234/],
    ["tcp://host:99999", /needs a host and a port/],
    ["ssh://host", /scheme "ssh" is not supported: use unix:\/\/, tcp:\/\/ or docker-buildx:\/\//],
    ["docker-buildx://bad name", /builder name "bad name" .* is not valid/],
  ];
  for (const [url, message] of cases) assert.throws(() => parseAddress(url), (e: Error) => e instanceof ConnectError && message.test(e.message), url);
  assert.throws(() => parseAddress("tcp://h:1", { cert: "c.pem" }), /needs both --tlscert and --tlskey/);
  assert.throws(() => parseAddress("unix:///s.sock", { ca: "ca.pem" }), /apply to tcp:\/\/ addresses only/);
});

test("the default node: --addr, --builder, the current buildx builder, BUILDKIT_HOST, buildkitd's socket", () => {
  assert.equal(chooseAddress({ addr: "tcp://h:1", dockerOnPath: true, buildkitHost: "unix:///x" }).url, "tcp://h:1");
  assert.equal(chooseAddress({ builder: "b", dockerOnPath: false }).url, "docker-buildx://b");
  assert.equal(chooseAddress({ dockerOnPath: true, buildkitHost: "unix:///x" }).url, "docker-buildx://");
  assert.equal(chooseAddress({ dockerOnPath: false, buildkitHost: "unix:///x" }).url, "unix:///x");
  assert.equal(chooseAddress({ dockerOnPath: false }).url, "unix:///run/buildkit/buildkitd.sock");
  assert.throws(() => chooseAddress({ addr: "unix:///x", builder: "b", dockerOnPath: true }), /--addr and --builder name two different nodes/);
});

test("connection failures become one line with the fix; BuildKit's own errors pass through", () => {
  const unavailable = (details: string) => new RpcError("ListWorkers", status.UNAVAILABLE, details);
  const tcp = parseAddress("tcp://127.0.0.1:1234");
  assert.match(
    unreachable(unavailable("No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1234. Resolution note: "), tcp, "")?.message ?? "",
    /^cannot reach BuildKit at tcp:\/\/127.0.0.1:1234 \(connect ECONNREFUSED 127.0.0.1:1234\): is buildkitd running/,
  );
  assert.match(
    unreachable(unavailable("No connection established. Last error: Error: unable to verify the first certificate"), tcp, "")?.message ?? "",
    /^TLS with tcp:\/\/127.0.0.1:1234 failed \(unable to verify the first certificate\): check --tlscacert/,
  );
  const buildx = parseAddress("docker-buildx://nope");
  assert.match(unreachable(unavailable("Connection dropped"), buildx, 'no builder "nope" found')?.message ?? "", /^builder nope does not exist .*docker buildx ls/);
  assert.match(unreachable(unavailable("Connection dropped"), parseAddress("docker-buildx://"), "Cannot connect to the Docker daemon")?.message ?? "", /docker info/);
  assert.equal(
    unreachable(unavailable("No connection established. Last error: 801C2B73BB7F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 116\n"), tcp, "")?.message,
    "TLS with tcp://127.0.0.1:1234 failed (tlsv13 alert certificate required): check --tlscacert (the node's CA), --tlscert and --tlskey (a client certificate it trusts)",
  );
  assert.equal(unreachable(new RpcError("Solve", status.INVALID_ARGUMENT, "bad"), tcp, ""), undefined);
  for (const e of [unreachable(unavailable("x\ny"), tcp, "")]) assert.equal(e?.message.includes("\n    at "), false);
});
