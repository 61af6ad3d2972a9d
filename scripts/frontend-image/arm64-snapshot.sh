#!/usr/bin/env bash
# The arm64 frontend's V8 startup snapshot, written by the arm64 image's own node under qemu-user (no binfmt,
# nothing registered with the kernel): a snapshot only loads into the node binary that wrote it, and no arm64
# machine is at hand. Takes about half a minute. The Dockerfile takes it as the named context slimgo-snapshot-arm64.
# Usage: scripts/frontend-image/arm64-snapshot.sh TREE OUT   (TREE from node-tree.sh arm64; needs dist/ from make bundle)
set -euo pipefail
cd "$(dirname "$0")/../.."
tree=${1:?usage: arm64-snapshot.sh TREE OUT}
out=${2:?usage: arm64-snapshot.sh TREE OUT}
command -v qemu-aarch64 >/dev/null || { echo "arm64-snapshot: qemu-aarch64 is missing: apt-get install qemu-user" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# The same files as the image: node-rootfs lays them out exactly as the Dockerfile does.
node dist/node-rootfs.cjs "$tree" "$root" scripts/frontend-image/icu-keep.txt >/dev/null
mkdir -p "$root/slimgo" "$out"
cp dist/frontend.cjs "$root/slimgo/frontend.cjs"
# The flags must be the ENTRYPOINT's (Dockerfile, image-arm64-snapshot).
qemu-aarch64 -L "$root" "$root/usr/bin/node" --max-semi-space-size=1 --no-warnings \
  --snapshot-blob "$out/frontend.blob" --build-snapshot "$root/slimgo/frontend.cjs"
echo "arm64-snapshot: $out/frontend.blob ($(stat -c %s "$out/frontend.blob") bytes)" >&2
