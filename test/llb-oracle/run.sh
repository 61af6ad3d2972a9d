#!/bin/sh
# Re-marshals the oracle graphs with BuildKit's Go client/llb and fails when
# the result differs from the goldens committed in test/golden/llb.
#   test/llb-oracle/run.sh           check (CI)
#   test/llb-oracle/run.sh --update  rewrite the goldens after changing graphs.go
set -eu

here=$(cd "$(dirname "$0")" && pwd)
golden="$here/../golden/llb"

# The local toolchain only: never download another Go, never edit go.mod.
export GOTOOLCHAIN=local
export GOFLAGS="-mod=readonly -buildvcs=false"
export GOWORK=off
if [ -x /usr/local/go/bin/go ]; then GO=/usr/local/go/bin/go; else GO=go; fi

if [ "${1:-}" = "--update" ]; then
  rm -f "$golden"/*.json "$golden"/tables/*.json
  (cd "$here" && "$GO" run . -out "$golden")
  echo "llb-oracle: goldens rewritten in test/golden/llb"
  exit 0
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM
(cd "$here" && "$GO" run . -out "$out")
if ! diff -ru "$golden" "$out"; then
  echo "llb-oracle: the goldens in test/golden/llb differ from what BuildKit's client/llb marshals now." >&2
  echo "llb-oracle: if graphs.go changed on purpose, run test/llb-oracle/run.sh --update and review the diff." >&2
  exit 1
fi
echo "llb-oracle: $(find "$golden" -maxdepth 1 -name '*.json' | wc -l) graphs and $(find "$golden/tables" -maxdepth 1 -name '*.json' | wc -l) tables match BuildKit $(awk '$1 == "github.com/moby/buildkit" { print $2 }' "$here/go.mod")"
