#!/usr/bin/env bash
# Builds examples/hello with slimgo through the local engine and runs the image.
# Modules come from a loopback GOPROXY filled by the host's `go mod download`,
# because image builds here cannot verify TLS to the public proxy.
set -euo pipefail
cd "$(dirname "$0")/.."

url_file=$(mktemp)
node --import tsx scripts/goproxy.ts examples/hello >"$url_file" &
proxy_pid=$!
trap 'kill $proxy_pid 2>/dev/null || true; rm -f "$url_file"' EXIT
for _ in $(seq 1 120); do [[ -s $url_file ]] && break; sleep 0.5; done
[[ -s $url_file ]] || { echo "demo: the loopback GOPROXY did not start" >&2; exit 1; }
proxy=$(head -n1 "$url_file")

docker buildx build -f examples/hello/slimgo.yaml -t slimgo-hello:demo --load \
  --network=host --build-arg GOPROXY="$proxy" --build-arg GOSUMDB=off \
  examples/hello
echo "--- running slimgo-hello:demo"
docker run --rm slimgo-hello:demo
docker image inspect slimgo-hello:demo --format 'image slimgo-hello:demo: {{.Size}} bytes, user {{.Config.User}}'
