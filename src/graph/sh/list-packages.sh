#!/bin/sh
# The go list step. Writes the report the frontend checks (SLIMGO_REPORT_FILE)
# and the packages the compiled-package steps compile: the standard
# library's (SLIMGO_STD_FILE), the downloaded modules' (SLIMGO_DEPS_FILE) and
# the main module's own, but for the main package (SLIMGO_LOCAL_FILE).
# -e: a broken package is go build's to report, with its own message, in the
# build step. The report is listed with cgo on, so that `import "C"` files
# are seen even when the build turns cgo off; the two lists run side by side,
# as this step is on the path of every rebuild.
set -u
list() { go list -e -deps "$@" "$SLIMGO_MAIN" | sed '/^$/d'; }
# shellcheck disable=SC2086 # SLIMGO_FLAGS holds several flags
CGO_ENABLED=1 list $SLIMGO_FLAGS -f "$SLIMGO_REPORT_TEMPLATE" > "$SLIMGO_REPORT_FILE" &
# shellcheck disable=SC2086
list $SLIMGO_FLAGS -f "$SLIMGO_DEPS_TEMPLATE" > /tmp/slimgo-deps
wait
# Separate lists, so that a go.mod change leaves the standard library's step cached.
sed -n 's/^std //p' /tmp/slimgo-deps > "$SLIMGO_STD_FILE"
sed -n 's/^mod //p' /tmp/slimgo-deps > "$SLIMGO_DEPS_FILE"
sed -n 's/^local //p' /tmp/slimgo-deps > "$SLIMGO_LOCAL_FILE"
exit 0
