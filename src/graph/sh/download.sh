#!/bin/sh
# The module download step. Env: GOMODCACHE is the shared fetch cache,
# SLIMGO_MODULES the step's own output (a GOMODCACHE for exactly this module
# set), SLIMGO_GOSUM_DIR set only when the context has no go.sum. The client's
# secrets and SSH agent are optional mounts (see session-mounts.ts); anything
# made from them goes to SLIMGO_PRIVATE_TMP, a tmpfs, never to a layer.
set -eu
fetch=$GOMODCACHE
tmp=$SLIMGO_PRIVATE_TMP

# --secret id=ca-certs: the builder's bundle plus the client's CA, for go and git.
if [ -s "$SLIMGO_CA_SECRET" ]; then
  bundle=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
  { if [ -f "$bundle" ]; then cat "$bundle"; fi; echo; cat "$SLIMGO_CA_SECRET"; } > "$tmp/ca-certificates.crt"
  export SSL_CERT_FILE="$tmp/ca-certificates.crt" GIT_SSL_CAINFO="$tmp/ca-certificates.crt"
fi

# --secret id=goauth: headers for GOPROXY and go-import requests, already in
# the output format of a GOAUTH command, so the command just prints it (the
# URL go appends on a retry lands in $0 and is ignored). netrc stays on. Go
# 1.24 matches a URL line with a trailing slash against nothing: drop it.
if [ -s "$SLIMGO_GOAUTH_SECRET" ]; then
  sed 's#^\(https://[^ ]*\)/$#\1#' "$SLIMGO_GOAUTH_SECRET" > "$tmp/goauth"
  export GOAUTH="${GOAUTH:-netrc};sh -c cat<$tmp/goauth"
fi

# --ssh default: git fetches the GOPRIVATE hosts over SSH (GIT_CONFIG_* from the
# frontend). Without an agent only the first SLIMGO_SSH_PINNED rewrites stay
# (hosts --build-arg SLIMGO_GIT_SSH names), so https with .netrc works for the rest.
if [ ! -S "$SSH_AUTH_SOCK" ]; then
  unset SSH_AUTH_SOCK
  export GIT_CONFIG_COUNT="${SLIMGO_SSH_PINNED:-0}"
fi
if [ "${GIT_CONFIG_COUNT:-0}" -gt 0 ]; then
  # The golang images have git but no ssh client; add one to this step's throwaway root.
  if ! command -v ssh > /dev/null 2>&1; then
    echo "slimgo: the builder image has no ssh client: installing openssh-client for git over SSH" >&2
    if command -v apt-get > /dev/null 2>&1; then
      install_ssh() { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-client; }
    else
      install_ssh() { apk add --no-cache openssh-client; }
    fi
    if ! install_ssh > "$tmp/install-ssh" 2>&1; then cat "$tmp/install-ssh" >&2; exit 45; fi
  fi
  if [ -s "$SLIMGO_KNOWN_HOSTS" ]; then
    export GIT_SSH_COMMAND="ssh -o BatchMode=yes -o UserKnownHostsFile=$SLIMGO_KNOWN_HOSTS -o StrictHostKeyChecking=yes"
  else
    echo "slimgo: no --secret id=known_hosts: trusting the SSH host keys seen now" >&2
    export GIT_SSH_COMMAND="ssh -o BatchMode=yes -o UserKnownHostsFile=$tmp/known_hosts -o StrictHostKeyChecking=accept-new"
  fi
fi

# Run go, keeping its messages; a failure that credentials or a CA would fix
# exits with a code the frontend turns into advice (41: a server asked for
# credentials, 42: a certificate from an unknown authority, 43: an SSH server
# refused every key, 44: an SSH host key not in known_hosts, 45: no ssh client).
go_fetch() {
  if "$@" 2> "$tmp/go-errors"; then cat "$tmp/go-errors" >&2; return 0; fi
  cat "$tmp/go-errors" >&2
  # go hides why git's probes of a repository failed ("no secure protocol
  # found"): ask git once more, so ssh's own message is shown and read.
  repo=$(sed -n 's/^go: \([^@ ]*\)@[^ ]*: no secure protocol found.*/\1/p' "$tmp/go-errors" | head -n 1)
  if [ -n "$repo" ] && [ "${GIT_CONFIG_COUNT:-0}" -gt 0 ]; then
    GIT_TERMINAL_PROMPT=0 git ls-remote "https://$repo" > /dev/null 2> "$tmp/git-errors" || true
    cat "$tmp/git-errors" >&2
    cat "$tmp/git-errors" >> "$tmp/go-errors"
  fi
  if grep -qE 'Permission denied \(publickey' "$tmp/go-errors"; then exit 43; fi
  if grep -qE 'Host key verification failed' "$tmp/go-errors"; then exit 44; fi
  if grep -qE '40[13] (Unauthorized|Forbidden)|terminal prompts disabled|could not read (Username|Password)' "$tmp/go-errors"; then exit 41; fi
  if grep -qE 'certificate signed by unknown authority|certificate verify failed|unable to get local issuer certificate' "$tmp/go-errors"; then exit 42; fi
  exit 1
}

if [ -n "${SLIMGO_GOSUM_DIR:-}" ]; then
  # Without go.sum, `go mod download` records no zip hashes and `go build`
  # refuses the modules. Work on a copy of go.mod (-modfile), list the module
  # graph with -mod=mod and download each module by name, which records sums.
  cp go.mod "$SLIMGO_GOSUM_DIR/go.mod"
  export GOFLAGS="${GOFLAGS:-} -modfile=$SLIMGO_GOSUM_DIR/go.mod"
  go_fetch go list -mod=mod -m -f "$SLIMGO_LIST_MODULES" all > "$tmp/modules"
  mods=$(cat "$tmp/modules")
  # shellcheck disable=SC2086 # one argument per module
  if [ -n "$mods" ]; then go_fetch go mod download $mods; fi
else
  go_fetch go mod download
fi
# Materialise this module set from the fetch cache. GOPRIVATE and GONOPROXY
# are cleared so private modules also come from the local copy, not their VCS.
GOMODCACHE=$SLIMGO_MODULES GOPROXY="file://$fetch/cache/download" GOSUMDB=off GOPRIVATE='' GONOPROXY='' GONOSUMDB='' go mod download
