import { test } from "node:test";
import { parseGoMod } from "../../src/gomod/index.js";
import { type FrontendOptions, makePlan } from "../../src/plan/index.js";
import { parseSpec } from "../../src/spec/index.js";
import { assertGolden } from "../support/golden.js";

const AMD64 = { os: "linux", architecture: "amd64" };
const ARM64 = { os: "linux", architecture: "arm64" };

const defaults: FrontendOptions = { platforms: [], buildPlatform: AMD64, buildArgs: {}, network: "sandbox", noCache: false };

const examples: Array<{ name: string; spec: string; goMod: string; options?: Partial<FrontendOptions> }> = [
  {
    // The smallest project: the spec is the syntax line, go.mod names only the module and go line.
    name: "minimal",
    spec: "# syntax=slimgo:dev\n",
    goMod: "module example.com/hello\n\ngo 1.23\n",
    options: { buildPlatform: ARM64 },
  },
  {
    // A service: multi-platform, proxy build args, runtime env, ports, labels.
    name: "service",
    spec: `# syntax=slimgo:dev
main: ./cmd/orders
ports: [8080, "9090/udp"]
env:
  LOG_FORMAT: json
  ADDR: ":8080"
args: [serve]
labels:
  org.opencontainers.image.title: orders
  com.acme.team: payments
buildEnv:
  GOPROXY: https://proxy.internal
`,
    goMod: `module github.com/acme/orders

go 1.23.4

toolchain go1.24.3

require (
	github.com/go-chi/chi/v5 v5.2.1
	golang.org/x/sync v0.10.0 // indirect
)
`,
    options: {
      platforms: [AMD64, ARM64, { os: "linux", architecture: "arm", variant: "v7" }],
      buildArgs: { GOPROXY: "http://127.0.0.1:3000", GOPRIVATE: "github.com/acme/*", https_proxy: "http://proxy:3128", UNRELATED: "x" },
    },
  },
  {
    // A monorepo module with a /v2 path, local replaces, distroless from a mirror and no network.
    name: "monorepo-distroless",
    spec: `# syntax=slimgo:dev
base: distroless
user: nonroot
env:
  SSL_CERT_FILE: /custom/ca.pem
`,
    goMod: `module example.com/platform/tools/v2

go 1.24

require example.com/platform/libs/auth v0.0.0

replace example.com/platform/libs/auth => ./libs/auth
`,
    options: { network: "none", buildArgs: { SLIMGO_DISTROLESS_IMAGE: "registry.internal/distroless/static:nonroot", GOFLAGS: "-mod=mod" } },
  },
  {
    // Everything pinned by hand: Go patch, builder, cgo, image base, flags, no cache.
    name: "custom-builder-cgo",
    spec: `# syntax=slimgo:dev
main: ./cmd/indexer
name: idx
go: "1.24.3"
builder: registry.internal/golang-cgo:1.24.3
cgo: true
tags: [sqlite_omit_load_extension, netgo]
ldflags: -X main.version=1.4.0   -extldflags=-static
base: debian:bookworm-slim
workdir: /data
`,
    goMod: "module github.com/acme/search\n\ngo 1.24.0\n",
    options: { noCache: true, network: "host" },
  },
];

for (const ex of examples) {
  test(`plan golden: ${ex.name}`, () => {
    const plan = makePlan({ spec: parseSpec(ex.spec), goMod: parseGoMod(ex.goMod), options: { ...defaults, ...ex.options } });
    assertGolden(`plan/${ex.name}`, plan);
  });
}
