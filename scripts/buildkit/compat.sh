#!/usr/bin/env bash
# Builds and runs examples/hello with slimgo on an older Docker from Debian
# beside the running engine: bookworm's Docker 20.10 (BuildKit v0.8) or
# trixie's Docker 26. Its own containerd and dockerd, unpacked from the .debs
# (nothing installed), with their own sockets, state and data dirs, a bridge
# of its own and no iptables rules. Everything is removed at exit.
# Usage: scripts/buildkit/compat.sh [FRONTEND_IMAGE] [bookworm|trixie]   (default slimgo:dev bookworm)
set -euo pipefail
cd "$(dirname "$0")/../.."
image=${1:-slimgo:dev}
release=${2:-bookworm}
builder=golang:1.24-bookworm # what examples/hello's `go 1.24` selects
name=slimgo-compat-$release
opt=$PWD/.cache/compat/$release
run=/run/$name
data=/var/lib/$name
export PATH=$opt/usr/bin:$opt/usr/sbin:$PATH

if [[ ! -x $opt/usr/sbin/dockerd ]]; then
  debs=$PWD/.cache/compat/debs-$release
  mkdir -p "$debs" "$opt"
  # A private package list for the release, so the machine's apt sources stay as they are.
  lists=$(mktemp -d)
  chmod 755 "$lists" "$debs" # apt fetches as _apt
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
  echo "deb $mirror $release main" >"$lists/sources.list"
  mkdir -p "$lists/lists/partial"
  apt=(-o Dir::Etc::SourceList="$lists/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$lists/lists" -o Debug::NoLocking=1)
  apt-get "${apt[@]}" update -qq
  pkgs=(docker.io containerd)
  apt-cache "${apt[@]}" show docker-cli >/dev/null 2>&1 && pkgs+=(docker-cli)
  (cd "$debs" && apt-get "${apt[@]}" download -qq "${pkgs[@]}")
  rm -rf "$lists"
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$opt"; done
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
bridge=slimgo-compat0 # one compat run at a time
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
DOCKER_HOST="" docker save "$image" "$builder" | docker load -q >/dev/null

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
