import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pushIndex } from "../../src/serve/oci-index.js";
import { remoteOptions } from "../../src/serve/remote-options.js";

const INDEX = "application/vnd.oci.image.index.v1+json";
const MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const sha = (b: Buffer | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/** A registry on loopback: serves the manifests it is given by digest, records the PUTs. */
let server: Server;
let host: string;
const manifests = new Map<string, { type: string; body: Buffer }>();
const puts: Array<{ url: string; type: string; body: Buffer }> = [];

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const digest = /\/manifests\/(sha256:[0-9a-f]{64})$/.exec(req.url ?? "")?.[1];
      if (req.method === "PUT") {
        puts.push({ url: req.url ?? "", type: req.headers["content-type"] ?? "", body: Buffer.concat(chunks) });
        res.writeHead(201).end();
      } else if (digest !== undefined && manifests.has(digest)) {
        const m = manifests.get(digest) as { type: string; body: Buffer };
        res.writeHead(200, { "content-type": m.type, "content-length": m.body.length }).end(req.method === "HEAD" ? undefined : m.body);
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

/** What BuildKit pushes for one platform with --sbom: an index of its image and an attestation manifest. */
function attestedPlatform(arch: string): { digest: string; image: string; attestation: string } {
  const image = sha(`image-${arch}`);
  const attestation = sha(`attestation-${arch}`);
  const body = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: INDEX,
      manifests: [
        { mediaType: MANIFEST, digest: image, size: 500, platform: { architecture: arch, os: "linux" } },
        { mediaType: MANIFEST, digest: attestation, size: 800, annotations: { "vnd.docker.reference.digest": image, "vnd.docker.reference.type": "attestation-manifest" }, platform: { architecture: "unknown", os: "unknown" } },
      ],
    }),
  );
  manifests.set(sha(body), { type: INDEX, body });
  return { digest: sha(body), image, attestation };
}

test("platforms pushed with attestations: their images, then their attestation manifests, in one index", async () => {
  puts.length = 0;
  const amd = attestedPlatform("amd64");
  const arm = attestedPlatform("arm64");
  // One platform's descriptor comes in the exporter's response, the other is asked of the registry.
  const descriptor = Buffer.from(JSON.stringify({ mediaType: INDEX, digest: arm.digest, size: 1 })).toString("base64");
  const digest = await pushIndex(
    [`${host}/team/app:1`],
    [
      { platform: "linux/arm64", response: { "containerimage.digest": arm.digest, "containerimage.descriptor": descriptor } },
      { platform: "linux/amd64", response: { "containerimage.digest": amd.digest } },
    ],
    "/nonexistent",
  );
  assert.equal(puts.length, 1);
  const put = puts[0] as (typeof puts)[number];
  assert.equal(put.url, "/v2/team/app/manifests/1");
  assert.equal(put.type, INDEX);
  assert.equal(digest, sha(put.body));
  const index = JSON.parse(put.body.toString()) as { manifests: Array<{ digest: string; platform: { architecture: string }; annotations?: Record<string, string> }> };
  assert.deepEqual(
    index.manifests.map((m) => [m.platform.architecture, m.digest, m.annotations?.["vnd.docker.reference.digest"] ?? ""]),
    [
      ["amd64", amd.image, ""],
      ["arm64", arm.image, ""],
      ["unknown", amd.attestation, amd.image],
      ["unknown", arm.attestation, arm.image],
    ],
  );
});

test("plain platform images are listed with the platform the job built", async () => {
  puts.length = 0;
  const body = Buffer.from('{"schemaVersion":2}');
  manifests.set(sha(body), { type: MANIFEST, body });
  await pushIndex([`${host}/team/app:2`], [{ platform: "linux/arm/v7", response: { "containerimage.digest": sha(body) } }], "/nonexistent");
  const index = JSON.parse((puts[0] as (typeof puts)[number]).body.toString()) as { manifests: unknown[] };
  assert.deepEqual(index.manifests, [{ mediaType: MANIFEST, digest: sha(body), size: body.length, platform: { architecture: "arm", os: "linux", variant: "v7" } }]);
});

test("a platform index that is not what it claims stops the push with the reason", async () => {
  puts.length = 0;
  const bogus = sha("not-there");
  const descriptor = Buffer.from(JSON.stringify({ mediaType: INDEX, digest: bogus, size: 1 })).toString("base64");
  await assert.rejects(pushIndex([`${host}/team/app:3`], [{ platform: "linux/amd64", response: { "containerimage.digest": bogus, "containerimage.descriptor": descriptor } }], "/nonexistent"), /GET team\/app@sha256:[0-9a-f]+: HTTP 404/);
  const liar = attestedPlatform("s390x");
  manifests.set(liar.digest, { type: INDEX, body: Buffer.from('{"manifests":[]}') });
  await assert.rejects(pushIndex([`${host}/team/app:3`], [{ platform: "linux/s390x", response: { "containerimage.digest": liar.digest } }], "/nonexistent"), /the registry sent an index with another digest/);
  assert.equal(puts.length, 0, "nothing is tagged");
});

test("--sbom and --provenance are taken for a build on the service", () => {
  const o = remoteOptions(["--sbom=true", "--provenance=mode=max", "--platform", "linux/amd64,linux/arm64"], "/c");
  assert.equal(o.attests.get("sbom"), "");
  assert.equal(o.attests.get("provenance"), "mode=max");
});
