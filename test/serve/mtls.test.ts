import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials, status } from "@grpc/grpc-js";
import { pino } from "pino";
import { parseServeConfig, startServer } from "../../src/serve/index.js";
import { makeCerts } from "../support/buildkit/certs.js";
import { buildsClient } from "./support/builds-client.js";
import { tarChunks } from "./support/tar.js";

test("mTLS: the client certificate's CN picks the tenant; a bearer token still works over TLS; no certificate, no call", async () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-serve-mtls-"));
  try {
    const certs = makeCerts(dir);
    const config = parseServeConfig(
      `listen: 127.0.0.1:0
tls: {cert: ${certs.serverCert}, key: ${certs.serverKey}, clientCA: ${certs.ca}}
state: state.db
workdir: work
tenants:
  - {name: by-cert, certNames: ["slimgo test client"]}
  - {name: by-token, tokenSha256: ${createHash("sha256").update("t").digest("hex")}}
nodes:
  - {name: gone, addr: "unix://${join(dir, "none.sock")}", platforms: [linux/amd64]}
`,
      join(dir, "serve.yaml"),
    );
    const server = await startServer(config, pino({ level: "silent" }));
    const ca = readFileSync(certs.ca);
    const withCert = () => credentials.createSsl(ca, readFileSync(certs.clientKey), readFileSync(certs.clientCert));
    const byCert = buildsClient(server.address, undefined, withCert());
    const byToken = buildsClient(server.address, "t", withCert());
    const noCert = buildsClient(server.address, "t", credentials.createSsl(ca));
    try {
      const id = await byCert.submit([], await tarChunks([{ name: "go.mod", body: "module example.com/m\n" }]));
      assert.equal((await byCert.call("get", { id })).tenant, "by-cert");
      assert.deepEqual((await byToken.call("list", {})).builds, [], "the token's tenant, not the certificate's");
      await assert.rejects(byToken.call("get", { id }), (err: unknown) => (err as { code: number }).code === status.NOT_FOUND);
      await assert.rejects(noCert.call("list", {}), (err: unknown) => (err as { code: number }).code === status.UNAVAILABLE);
    } finally {
      for (const c of [byCert, byToken, noCert]) c.close();
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
