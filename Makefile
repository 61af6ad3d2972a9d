# Thin wrappers: the logic lives in npm scripts and scripts/.
SHELL := /bin/bash
IMAGE ?= slimgo:dev
NODE_IMAGE ?= node:24-slim

.PHONY: all deps e2e-deps gen check-gen lint-sh docs check-docs graph typecheck bundle image engine demo test test-unit test-e2e test-remote test-serve release buildkit dockerfile-frontend compat golden-llb bench bench-client bench-serve fuzz fuzz-ci clean

all: typecheck test-unit

# better-sqlite3 (slimgo serve's state) compiles against the Node headers Debian's nodejs ships:
# no prebuilt binary can be fetched here.
deps:
	npm_config_nodedir=/usr npm ci --no-audit --no-fund

# What the end-to-end tests run beside the engine: sshd for the git-over-SSH test (idempotent).
e2e-deps:
	bash scripts/e2e-deps.sh

gen:
	npm run gen

check-gen:
	npm run check:generated

# The shell that build steps run (src/graph/sh) and the repo's own scripts.
lint-sh:
	@command -v shellcheck >/dev/null || { apt-get update -qq && apt-get install -y -qq shellcheck; }
	npm run --silent lint:sh

# The JSON Schema (schema/) and README's spec reference, from the spec's field table.
docs:
	node --import tsx scripts/docs.ts

check-docs:
	node --import tsx scripts/docs.ts --check

typecheck:
	npm run typecheck

bundle:
	npm run bundle

# The frontend image, tagged $(IMAGE); NODE_IMAGE must exist locally.
image: bundle engine
	docker build --build-arg NODE_IMAGE=$(NODE_IMAGE) -t $(IMAGE) .
	@docker image inspect $(IMAGE) --format 'frontend image $(IMAGE): {{.Size}} bytes'

# The frontend image for linux/amd64 and linux/arm64 (Debian's packages unpacked, no QEMU), pushed as one
# multi-platform index: make release IMAGE=registry.example.com/slimgo:0.1.0 (see docs/frontend-image.md).
release: bundle engine
	bash scripts/frontend-image/release.sh $(IMAGE)

# A Docker engine with BuildKit and local base images (idempotent).
engine:
	bash ../shared/tools/docker-engine-up.sh

# Build examples/hello with slimgo through the engine and run it.
demo: deps image
	bash scripts/demo.sh

test: deps typecheck test-unit image test-e2e

test-unit:
	npm run test:unit

test-e2e: e2e-deps
	npm run test:e2e

# slimgo on standalone buildkitd nodes over mTLS, a buildx farm sharing a registry
# cache, a fresh node built from that cache, a local cache (slimgo build --cache-to/
# --cache-from type=local, and buildctl reading it), and the arm64 binary under qemu-user.
# Installs what it needs (apt, buildkitd); see docs/remote.md.
test-remote: deps image buildkit
	SLIMGO_IMAGE=$(IMAGE) npm run test:remote

# slimgo serve as a process in front of standalone buildkitd nodes: directory and git submissions into a
# two-platform index, tenants, hostile uploads, 40 builds from 4 tenants, a node and the service killed.
# Under 8 minutes; see docs/serve.md.
test-serve: deps buildkit engine
	npm run test:serve

# buildkitd and buildctl v0.34.2 in .cache/buildkit/bin, plus runc, docker-registry, qemu-user.
buildkit:
	bash scripts/buildkit/setup.sh

# BuildKit's Dockerfile frontend v0.34.2 as the local image dockerfile-frontend:v0.34.2 (the expert Dockerfile's `# syntax=`).
dockerfile-frontend: engine
	bash scripts/buildkit/dockerfile-frontend.sh

# examples/hello on Debian's Docker 20.10 (bookworm, BuildKit v0.8) and Docker 26 (trixie), beside the running engine.
compat: deps image
	bash scripts/buildkit/compat.sh $(IMAGE) bookworm
	bash scripts/buildkit/compat.sh $(IMAGE) trixie

# Re-run BuildKit's Go marshaller and compare with the committed LLB goldens.
golden-llb:
	bash test/llb-oracle/run.sh

# Side-by-side build benchmark of the frontend image $(IMAGE); writes bench/results.{md,json,png}.
bench: deps image dockerfile-frontend
	SLIMGO_IMAGE=$(IMAGE) node --import tsx bench/run.ts --runs 3
	SLIMGO_IMAGE=$(IMAGE) node --import tsx bench/serve.ts --runs 3

# slimgo serve's rows alone: a warm one-line rebuild through the service vs docker buildx on the same
# standalone buildkitd, and a fresh node from the service's registry cache (bench/serve-results.md).
bench-serve: deps image
	SLIMGO_IMAGE=$(IMAGE) node --import tsx bench/serve.ts --runs 3

# Only the `slimgo build` rows (a few minutes): their section of bench/results.md.
bench-client: deps image dockerfile-frontend
	SLIMGO_IMAGE=$(IMAGE) node --import tsx bench/run.ts --scenarios build-client --runs 5

# In-process fuzzing of the parsers, the ELF and image readers and the gateway replies (fuzz/README.md):
# 10^6 inputs per target, reproducers in fuzz/findings/: one summary per target in fuzz/results/, then README's
# table from them; exits 1 after all ran if any had a finding.
FUZZ_TARGETS = spec gomod gowork elf image git gateway
fuzz:
	@status=0; for t in $(FUZZ_TARGETS); do \
	  node --import tsx fuzz/run.ts --target $$t --inputs 1000000 --json fuzz/results/$$t.json || status=1; \
	done; $(MAKE) --no-print-directory docs; exit $$status

# The short run for CI: fixed seed, about 2-3 minutes on 2 cores, non-zero exit on any finding.
fuzz-ci:
	node --import tsx fuzz/run.ts --ci

clean:
	rm -rf dist .cache

# The LLB graph picture in the docs, drawn from `slimgo plan --dot` (needs Graphviz).
graph:
	node --import tsx src/cli/entry.ts plan --target all --platform linux/amd64,linux/arm64 --dot test/fixtures/projects/monorepo > docs/graph.dot
	dot -Tsvg docs/graph.dot -o docs/graph.svg
	dot -Tpng -Gdpi=110 docs/graph.dot -o docs/graph.png
