#!/usr/bin/env bash
# BuildKit's Dockerfile frontend v0.34.2 as a local image, the way
# docker/dockerfile:1 is made (a static binary on scratch), so the expert
# Dockerfile can be measured as people write it: `# syntax=<this image>`.
# No registry is reachable here, so it is built from the pinned module.
# Usage: scripts/buildkit/dockerfile-frontend.sh [IMAGE]  (needs a running engine)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=v0.34.2
image=${1:-dockerfile-frontend:$version}
if docker image inspect "$image" >/dev/null 2>&1; then exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "buildkit: building the Dockerfile frontend $version into $image" >&2
(cd "$here" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly go build -trimpath \
  -tags "netgo static_build osusergo" \
  -ldflags "-s -w -X github.com/moby/buildkit/version.Version=$version" \
  -o "$work/dockerfile-frontend" github.com/moby/buildkit/frontend/dockerfile/cmd/dockerfile-frontend)
cat > "$work/Dockerfile" <<'DOCKERFILE'
FROM scratch
LABEL moby.buildkit.frontend.network.none="true"
LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts"
COPY dockerfile-frontend /bin/dockerfile-frontend
ENTRYPOINT ["/bin/dockerfile-frontend"]
DOCKERFILE
docker build -q -t "$image" "$work" >/dev/null
docker image inspect "$image" --format "buildkit: $image, {{.Size}} bytes" >&2
