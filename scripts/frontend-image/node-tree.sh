#!/usr/bin/env bash
# A Debian tree holding nodejs for one architecture, unpacked on the host: mmdebstrap's extract variant resolves
# and unpacks the packages without running any of their scripts, so a foreign architecture needs no QEMU.
# The Dockerfile takes node and its libraries from it (scripts/frontend-image/node-rootfs.ts).
# Usage: scripts/frontend-image/node-tree.sh ARCH OUT [SUITE]   (ARCH: amd64, arm64; SUITE: sid, like node:24-slim)
set -euo pipefail
arch=${1:?usage: node-tree.sh ARCH OUT [SUITE]}
out=${2:?usage: node-tree.sh ARCH OUT [SUITE]}
suite=${3:-sid}
command -v mmdebstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq mmdebstrap >/dev/null; }
mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null ||
         awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
rm -rf "$out"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! mmdebstrap --variant=extract --architectures="$arch" --include=nodejs \
    --aptopt='Acquire::Check-Valid-Until "false"' --format=directory \
    "$suite" "$out" "deb ${mirror:-http://deb.debian.org/debian} $suite main" >"$log" 2>&1; then
  tail -20 "$log" >&2
  echo "node-tree: could not unpack Debian $suite nodejs for $arch into $out (log above)" >&2
  exit 1
fi
[[ -e $out/usr/bin/node ]] || { echo "node-tree: $out has no usr/bin/node" >&2; exit 1; }
echo "node-tree: Debian $suite nodejs for $arch in $out" >&2
