#!/usr/bin/env bash
# What the end-to-end tests need beyond the engine: sshd (test/e2e/private-ssh
# starts one of its own on loopback). Idempotent and quiet. The package's own
# service is kept from starting: the tests never use port 22.
set -euo pipefail
command -v /usr/sbin/sshd >/dev/null && command -v ssh-agent >/dev/null && exit 0
echo "e2e deps: installing openssh-server" >&2
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
# Other users of this machine may hold the dpkg lock for a while.
apt-get -o DPkg::Lock::Timeout=600 update -qq
# debconf's "delaying package configuration" note is noise on a machine without apt-utils.
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends openssh-server openssh-client 2>&1 >/dev/null | { grep -v '^debconf: ' || true; } >&2
