#!/bin/sh
# The go list step. Writes the report the frontend checks (SLIMGO_REPORT_FILE)
# and the dependency packages the dependency step compiles (SLIMGO_DEPS_FILE).
# -e: a broken package is go build's to report, with its own message, in the
# build step. The report is listed with cgo on, so that `import "C"` files
# are seen even when the build turns cgo off; the two lists run side by side,
# as this step is on the path of every rebuild.
set -u
list() { go list -e -deps "$@" "$SLIMGO_MAIN" | sed '/^$/d'; }
# shellcheck disable=SC2086 # SLIMGO_FLAGS holds several flags
CGO_ENABLED=1 list $SLIMGO_FLAGS -f "$SLIMGO_REPORT_TEMPLATE" > "$SLIMGO_REPORT_FILE" &
# shellcheck disable=SC2086
list $SLIMGO_FLAGS -f "$SLIMGO_DEPS_TEMPLATE" > "$SLIMGO_DEPS_FILE"
wait
exit 0
