#!/usr/bin/env bash
# Builds the frontend image for linux/amd64 and linux/arm64 and pushes it as one multi-platform index.
# Both platforms' node come from Debian packages of the same suite, unpacked on the host (node-tree.sh), so
# the image build runs nothing under QEMU; only arm64's startup snapshot is written under qemu-user, on the host. Needs a running engine with the containerd image store, and NODE_IMAGE locally
# (the build platform's node, which lays out the image's files).
# Usage: scripts/frontend-image/release.sh IMAGE [PLATFORMS]   e.g. registry.example.com/slimgo:0.1.0
# Env: NODE_IMAGE (node:24-slim), SUITE (sid), COMPRESSION (gzip; zstd is smaller, needs containerd >= 1.5 on nodes)
set -euo pipefail
cd "$(dirname "$0")/../.."
image=${1:?usage: release.sh IMAGE [PLATFORMS]}
platforms=${2:-linux/amd64,linux/arm64}
[[ ${image%%/*} == *[.:]* && $image == */* ]] || { echo "release: $image names no registry (like registry.example.com/slimgo:0.1.0)" >&2; exit 2; }
[[ ${image##*/} == *:* ]] || { echo "release: $image has no version tag (like registry.example.com/slimgo:0.1.0)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=()
for platform in ${platforms//,/ }; do
  arch=${platform#linux/}
  [[ $arch == amd64 || $arch == arm64 ]] || { echo "release: $platform is not linux/amd64 or linux/arm64" >&2; exit 2; }
  bash scripts/frontend-image/node-tree.sh "$arch" "$work/$arch" "${SUITE:-sid}"
  args+=(--build-context "slimgo-node-tree-$arch=$work/$arch" --build-arg "NODE_TREE_${arch^^}=slimgo-node-tree-$arch")
done
node scripts/bundle.mjs
if [[ -d $work/arm64 ]]; then
  bash scripts/frontend-image/arm64-snapshot.sh "$work/arm64" "$work/arm64-snapshot"
  args+=(--build-context "slimgo-snapshot-arm64=$work/arm64-snapshot" --build-arg ARM64_START=snapshot)
fi
compression=${COMPRESSION:-gzip}
docker buildx build --platform "$platforms" --build-arg "NODE_IMAGE=${NODE_IMAGE:-node:24-slim}" "${args[@]}" \
  --output "type=image,name=$image,push=true,oci-mediatypes=true,compression=$compression,force-compression=true" .
docker buildx imagetools inspect "$image" >&2
