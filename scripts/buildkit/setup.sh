#!/usr/bin/env bash
# Everything the remote suite (test/remote) needs on a fresh Debian 12 machine:
# bookworm's runc (sid's needs a newer glibc), docker-registry, qemu-user,
# openssl, htpasswd (apache2-utils, for the registry with basic auth) and buildkitd/buildctl built from the pinned module here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

missing=()
command -v runc >/dev/null || missing+=(runc)
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
command -v openssl >/dev/null || missing+=(openssl)
command -v htpasswd >/dev/null || missing+=(apache2-utils)
if ((${#missing[@]} > 0)); then
  echo "buildkit setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Other users of this machine may hold the dpkg lock for a while.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends -t bookworm "${missing[@]}" >/dev/null
fi

bash "$here/build.sh"
