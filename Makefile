# Thin wrappers: the logic lives in npm scripts and scripts/.
SHELL := /bin/bash
IMAGE ?= slimgo:dev
NODE_IMAGE ?= node:24-slim

.PHONY: all deps gen check-gen typecheck bundle image engine demo test test-unit test-e2e golden-llb bench clean

all: typecheck test-unit

deps:
	npm ci --no-audit --no-fund

gen:
	npm run gen

check-gen:
	npm run check:generated

typecheck:
	npm run typecheck

bundle:
	npm run bundle

# The frontend image, tagged $(IMAGE); NODE_IMAGE must exist locally.
image: bundle engine
	docker build --build-arg NODE_IMAGE=$(NODE_IMAGE) -t $(IMAGE) .
	@docker image inspect $(IMAGE) --format 'frontend image $(IMAGE): {{.Size}} bytes'

# A Docker engine with BuildKit and local base images (idempotent).
engine:
	bash ../shared/tools/docker-engine-up.sh

# Build examples/hello with slimgo through the engine and run it.
demo: deps image
	bash scripts/demo.sh

test: deps typecheck test-unit image test-e2e

test-unit:
	npm run test:unit

test-e2e:
	npm run test:e2e

# Re-run BuildKit's Go marshaller and compare with the committed LLB goldens.
golden-llb:
	bash test/llb-oracle/run.sh

# Side-by-side build benchmark of the frontend image $(IMAGE); writes bench/results.{md,json,png}.
bench: deps image
	SLIMGO_IMAGE=$(IMAGE) node --import tsx bench/run.ts --runs 3

clean:
	rm -rf dist .cache
