#!/bin/sh
# compress: upx only: UPX from Debian's upx-ucl, in a cached step.
set -eu
apt-get update -qq
apt-get install -y -qq --no-install-recommends upx-ucl >/dev/null
rm -rf /var/lib/apt/lists/*
