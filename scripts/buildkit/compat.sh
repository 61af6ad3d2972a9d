#!/usr/bin/env bash
# Builds and runs examples/hello with slimgo on Debian bookworm's Docker 20.10
# (BuildKit v0.8) beside the running engine: its own containerd and dockerd,
# unpacked from the .debs (nothing installed), with their own sockets, state
# and data dirs, no bridge and no iptables rules. Everything is removed at exit.
# Usage: scripts/buildkit/compat.sh [FRONTEND_IMAGE]   (default slimgo:dev)
set -euo pipefail
cd "$(dirname "$0")/../.."
image=${1:-slimgo:dev}
builder=golang:1.24-bookworm # what examples/hello's `go 1.24` selects
name=slimgo-compat-docker20
opt=$PWD/.cache/compat/docker-20.10
run=/run/$name
data=/var/lib/$name
export PATH=$opt/usr/bin:$opt/usr/sbin:$PATH

if [[ ! -x $opt/usr/sbin/dockerd ]]; then
  mkdir -p .cache/compat/debs "$opt"
  (cd .cache/compat/debs && apt-get download -qq docker.io/bookworm containerd/bookworm)
  for deb in .cache/compat/debs/*.deb; do dpkg-deb -x "$deb" "$opt"; done
fi

pids=()
tmp=$(mktemp -d)
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.25; done
  done
  awk -v d="$data/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$run" "$data" "$tmp"
  [ -z "${bridge:-}" ] || ip link del "$bridge" 2>/dev/null || true
}
trap cleanup EXIT
mkdir -p "$run" "$data"

cat >"$run/containerd.toml" <<TOML
version = 2
root = "$data/containerd"
state = "$run/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$run/containerd.sock"
[ttrpc]
  address = "$run/containerd.sock.ttrpc"
TOML
containerd --config "$run/containerd.toml" >"$run/containerd.log" 2>&1 &
pids+=($!)
echo '{}' >"$run/daemon.json" # not /etc/docker/daemon.json, which belongs to the running engine
# A bridge of its own: with --bridge=none dockerd deletes docker0, which the running engine's containers need.
bridge=slimgo-compat0
ip link add "$bridge" type bridge 2>/dev/null || true
ip addr add 172.31.254.1/24 dev "$bridge" 2>/dev/null || true
ip link set "$bridge" up
dockerd --config-file "$run/daemon.json" --containerd "$run/containerd.sock" \
  --data-root "$data/docker" --exec-root "$run/docker" --pidfile "$run/docker.pid" -H "unix://$run/docker.sock" \
  --bridge="$bridge" --iptables=false --ip-masq=false --userland-proxy=false >"$run/dockerd.log" 2>&1 &
pids+=($!)
export DOCKER_HOST=unix://$run/docker.sock
for _ in $(seq 1 120); do docker version >/dev/null 2>&1 && break; sleep 0.5; done
version=$(docker version --format '{{.Server.Version}}') || { tail -20 "$run/dockerd.log" >&2; exit 1; }

echo "compat: loading $image and $builder into Docker $version" >&2
DOCKER_HOST= docker save "$image" "$builder" | docker load -q >/dev/null

node --import tsx scripts/goproxy.ts examples/hello >"$tmp/proxy" &
pids+=($!)
for _ in $(seq 1 120); do [[ -s $tmp/proxy ]] && break; sleep 0.5; done
proxy=$(head -n1 "$tmp/proxy")

cp -r examples/hello "$tmp/hello"
sed -i "1s|.*|# syntax=$image|" "$tmp/hello/slimgo.yaml"
start=$(date +%s)
docker buildx build --builder default --progress=plain -f "$tmp/hello/slimgo.yaml" -t slimgo-hello:compat --load \
  --network=host --build-arg GOPROXY="$proxy" --build-arg GOSUMDB=off "$tmp/hello" 2>"$tmp/build.log" || {
  tail -30 "$tmp/build.log" >&2
  echo "compat: Docker $version: build FAILED" >&2
  exit 1
}
buildkit=$(docker buildx inspect default | awk '/BuildKit version/ { print $3 }')
grep -E '^#[0-9]+ verified ' "$tmp/build.log" >&2
out=$(docker run --rm --network none slimgo-hello:compat)
echo "compat: Docker $version (BuildKit $buildkit): build ok in $(($(date +%s) - start))s, image runs: $out" | head -1
