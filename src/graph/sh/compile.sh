#!/bin/sh
# The go build step; "$@" is the go build command.
# 1. Keep the go list report beside the binary for the frontend. With cgo
#    off and cgo code in the module, stop without building: the frontend
#    turns the report into a one-line error on the spec, where go build would
#    drop those files or fail obscurely.
# 2. (seed-cache.sh, run first) the compiled-package layers are copied into
#    the cache mount.
# 3. Build, and say how many packages were compiled rather than taken from
#    the cache.
set -eu
mkdir -p "$(dirname "$SLIMGO_REPORT")"
cp "$SLIMGO_LIST_REPORT" "$SLIMGO_REPORT"
if [ "$CGO_ENABLED" = 0 ] && grep -q '^cgo ' "$SLIMGO_REPORT"; then exit 0; fi
# -v names each package go build compiles, and none it takes from the cache.
set +e
"$@" 2> /tmp/slimgo-go-build.log
status=$?
set -e
cat /tmp/slimgo-go-build.log >&2
if [ "$status" != 0 ]; then exit "$status"; fi
n=$(grep -cv '[ :#]' /tmp/slimgo-go-build.log || true)
if [ "$n" = 1 ]; then w=package; else w=packages; fi
echo "slimgo: compiled $n $w; the others came from the go-build cache"
