#!/bin/sh
# Prologue of the steps that compile Go: copy each compiled-package layer
# named in SLIMGO_SEED_DIRS into the go-build cache mount, once per layer
# (a marker named after the layer's stamp says it was done). On a fresh
# builder this spares compiling those packages again; on a warm one it
# costs a file test.
for layer in ${SLIMGO_SEED_DIRS:-}; do
  if [ -f "$layer/$SLIMGO_STAMP" ]; then
    seeded="$GOCACHE/$SLIMGO_STAMP-$(cat "$layer/$SLIMGO_STAMP")"
    if [ ! -e "$seeded" ]; then
      cp -R "$layer/." "$GOCACHE/"
      touch "$seeded"
      echo "slimgo: go-build cache filled from the layer at $layer"
    fi
  fi
done
