#!/usr/bin/env bash
# Builds buildkitd and buildctl v0.34.2 (pinned by go.mod/go.sum here) into
# .cache/buildkit/bin of the repository; does nothing when both are there.
# Usage: scripts/buildkit/build.sh [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../.cache/buildkit/bin}
version=v0.34.2
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [[ -x $out/buildkitd && -x $out/buildctl ]] && "$out/buildkitd" --version | grep -q " $version "; then
  exit 0
fi
echo "buildkit: building buildkitd and buildctl $version into $out (about 2 minutes on 2 cores)" >&2
cd "$here"
CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly go build -trimpath \
  -ldflags "-s -w -X github.com/moby/buildkit/version.Version=$version" \
  -o "$out/" github.com/moby/buildkit/cmd/buildkitd github.com/moby/buildkit/cmd/buildctl
"$out/buildkitd" --version >&2
