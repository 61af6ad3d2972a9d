#!/bin/sh
# A compiled-package step (the standard library's, or the downloaded
# modules'): compile the packages in SLIMGO_LIST_FILE and keep exactly their
# go-build cache entries in SLIMGO_OUT. seed-cache.sh runs first, so the
# module step finds the standard library compiled.
# Go keeps each compiled package as an output file (<output id>-d) and an
# action file (<action id>-a) naming it. `go list -export` gives the output
# files; the action files are found by the output ids they hold. The cache
# mount also holds other builds' entries: only these go into the layer.
# A package that does not compile here is left to the build step, which
# reports it with the source in view.
set -u
pkgs=$(cat "$SLIMGO_LIST_FILE")
if [ -z "$pkgs" ]; then exit 0; fi
n=$(echo "$pkgs" | wc -l)
# shellcheck disable=SC2086 # flags and packages are word lists
if ! go build $SLIMGO_FLAGS $pkgs; then
  echo "slimgo: some dependencies did not compile here; go build compiles them with the source" >&2
fi
work=$(mktemp -d)
# shellcheck disable=SC2086
go list -e -export $SLIMGO_FLAGS -f '{{.Export}}' $pkgs | sed -n "s|^$GOCACHE/||p" > "$work/outputs"
sed 's|.*/||; s|-d$||' "$work/outputs" > "$work/ids"
cd "$GOCACHE" || exit 1
find . -name '*-a' -exec grep -lF -f "$work/ids" {} + | sed 's|^\./||' > "$work/actions" || true
cat "$work/outputs" "$work/actions" | sort > "$work/files"
tar -cf - -T "$work/files" | tar -xf - -C "$SLIMGO_OUT"
sha256sum "$work/files" | cut -c1-16 > "$SLIMGO_OUT/$SLIMGO_STAMP"
touch "$GOCACHE/$SLIMGO_STAMP-$(cat "$SLIMGO_OUT/$SLIMGO_STAMP")"
echo "slimgo: $(wc -l < "$work/outputs") of $n $SLIMGO_LAYER packages compiled into the layer, $(du -sh "$SLIMGO_OUT" | cut -f1)"
