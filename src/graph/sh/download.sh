#!/bin/sh
# The module download step. Env: GOMODCACHE is the shared fetch cache,
# SLIMGO_MODULES the step's own output (a GOMODCACHE for exactly this module
# set), SLIMGO_GOSUM_DIR set only when the context has no go.sum.
set -eu
fetch=$GOMODCACHE
if [ -n "${SLIMGO_GOSUM_DIR:-}" ]; then
  # Without go.sum, `go mod download` records no zip hashes and `go build`
  # refuses the modules. Work on a copy of go.mod (-modfile), list the module
  # graph with -mod=mod and download each module by name, which records sums.
  cp go.mod "$SLIMGO_GOSUM_DIR/go.mod"
  export GOFLAGS="${GOFLAGS:-} -modfile=$SLIMGO_GOSUM_DIR/go.mod"
  mods=$(go list -mod=mod -m -f "$SLIMGO_LIST_MODULES" all)
  # shellcheck disable=SC2086 # one argument per module
  if [ -n "$mods" ]; then go mod download $mods; fi
else
  go mod download
fi
# Materialise this module set from the fetch cache. GOPRIVATE and GONOPROXY
# are cleared so private modules also come from the local copy, not their VCS.
GOMODCACHE=$SLIMGO_MODULES GOPROXY="file://$fetch/cache/download" GOSUMDB=off GOPRIVATE='' GONOPROXY='' GONOSUMDB='' go mod download
