/**
 * `slimgo size --image` on real images of the cobra program: one built by
 * slimgo, one by a plain multi-stage Dockerfile ending in scratch. Both name
 * cobra and pflag in the binary and list what else the image carries.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { type GoProxy, prefetchModules, startGoProxy } from "../../scripts/goproxy.js";
import { run as cli } from "../../src/cli/main.js";
import type { SizeReport } from "../../src/elf/index.js";
import { buildx, requireEngine, run } from "../support/docker.js";
import { FRONTEND, copyFixture, fixturePath } from "../support/fixture.js";

const SLIMGO_TAG = `slimgo-e2e-size:${process.pid}`;
const PLAIN_TAG = `slimgo-e2e-size-plain:${process.pid}`;

const DOCKERFILE = `FROM golang:1.26-bookworm AS build
ARG GOPROXY
ARG GOSUMDB
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/onecall .

FROM scratch
COPY --from=build /out/onecall /onecall
ENTRYPOINT ["/onecall"]
`;

let proxy: GoProxy;
let project: ReturnType<typeof copyFixture>;

before(async () => {
  await requireEngine(FRONTEND);
  proxy = await startGoProxy(prefetchModules(resolve(".cache/goproxy"), [fixturePath("cobra-one-call")]));
  project = copyFixture("cobra-one-call", "");
  writeFileSync(join(project.dir, "Dockerfile"), DOCKERFILE);
});

after(async () => {
  await proxy?.close();
  project?.remove();
  await run("docker", ["image", "rm", "-f", SLIMGO_TAG, PLAIN_TAG]);
});

interface ImageJson {
  image: string;
  binary: string;
  files: number;
  bytes: number;
  largest: Array<{ path: string; bytes: number }>;
  directories: Array<{ path: string; bytes: number; files: number }>;
  binaryReport: SizeReport;
}

async function sizeImage(tag: string): Promise<ImageJson> {
  let stdout = "";
  let stderr = "";
  const code = await cli(["size", "--image", tag, "--json"], (s) => void (stdout += s), (s) => void (stderr += s));
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout) as ImageJson;
}

function assertCobra(r: SizeReport, what: string): void {
  assert.equal(r.mainModule, "example.com/onecall", what);
  const mods = new Map(r.modules.map((m) => [m.path, m]));
  assert.equal(mods.get("github.com/spf13/cobra")?.version, "v1.8.1", what);
  assert.equal(mods.get("github.com/spf13/pflag")?.version, "v1.0.5", what);
  assert.ok((mods.get("github.com/spf13/cobra")?.bytes ?? 0) > 50_000, what);
  assert.equal(r.modules.reduce((n, m) => n + m.bytes, 0) + r.unattributed.bytes, r.measuredBytes, what);
}

test("an image slimgo built: the binary's modules and the static base's files", async () => {
  const res = await buildx({ dir: project.dir, tag: SLIMGO_TAG, buildArgs: { GOPROXY: proxy.url, GOSUMDB: "off" }, extra: ["--network=host"] });
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  const s = await sizeImage(SLIMGO_TAG);
  assert.equal(s.binary, "/usr/local/bin/onecall");
  assertCobra(s.binaryReport, "slimgo");
  assert.equal(s.largest[0]?.path, "/usr/local/bin/onecall");
  const paths = new Set(s.largest.map((f) => f.path));
  for (const p of ["/etc/ssl/certs/ca-certificates.crt", "/etc/passwd", "/usr/share/zoneinfo/Europe/Berlin"]) assert.ok(paths.has(p), p);
  const zoneinfo = s.directories.find((d) => d.path === "/usr/share/zoneinfo");
  assert.ok(zoneinfo && zoneinfo.files > 100, JSON.stringify(zoneinfo));
  assert.equal(s.bytes, s.largest.reduce((n, f) => n + f.bytes, 0));
});

test("an image a plain multi-stage Dockerfile built: one file, the same modules", async () => {
  const res = await buildx({ dir: project.dir, specFile: "Dockerfile", tag: PLAIN_TAG, buildArgs: { GOPROXY: proxy.url, GOSUMDB: "off" }, extra: ["--network=host"] });
  assert.equal(res.code, 0, `build failed:\n${res.stderr.slice(-4000)}`);
  const s = await sizeImage(PLAIN_TAG);
  assert.equal(s.binary, "/onecall");
  assert.deepEqual(s.largest.map((f) => f.path), ["/onecall"]);
  assertCobra(s.binaryReport, "plain");
  // Not stripped: the symbol table lets read-only data be attributed too.
  assert.equal(s.binaryReport.symbols, true);
});

test("an image that is not there: exit 1 with docker's message", async () => {
  let stderr = "";
  const code = await cli(["size", "--image", `slimgo-no-such-image:${process.pid}`], () => {}, (s) => void (stderr += s));
  assert.equal(code, 1);
  assert.match(stderr, /^slimgo-no-such-image:\d+: docker save slimgo-no-such-image:\d+ failed: .+/);
});
