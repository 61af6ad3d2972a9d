/**
 * What the client's session lends the module download step, and only it:
 * BuildKit secrets and an SSH agent, each mounted optional, so a build
 * without them runs as before. Secret and SSH mounts are never part of a
 * layer or a cache key; what the script makes from a secret (the CA
 * bundle, the goauth copy) is written to a tmpfs for the same reason.
 */
import type { MountOptions } from "../llb/index.js";
import type { GitSshHost } from "../plan/git-ssh.js";
import type { Plan } from "../plan/types.js";

/** Secret ids a client passes with `docker buildx build --secret id=ID,src=FILE`. */
export const NETRC_SECRET = "netrc";
export const CA_SECRET = "ca-certs";
export const KNOWN_HOSTS_SECRET = "known_hosts";
/** HTTP headers for GOPROXY and go-import requests, in the output format of a GOAUTH command (`go help goauth`). */
export const GOAUTH_SECRET = "goauth";
/** `--ssh default`: the agent buildx forwards when no id is given. */
export const SSH_ID = "default";

// ~/.netrc of the builder's root user: go (proxy and https VCS) and git both read it there.
const NETRC_PATH = "/root/.netrc";
const SECRETS_DIR = "/run/secrets";
const SSH_SOCKET = "/run/buildkit/ssh_agent.0";
/** A tmpfs: the download step's scratch space for anything made from a secret. */
export const PRIVATE_TMP = "/run/slimgo-private";

export function sessionMounts(): MountOptions[] {
  return [
    { dest: NETRC_PATH, secret: { id: NETRC_SECRET, optional: true } },
    { dest: `${SECRETS_DIR}/${CA_SECRET}`, secret: { id: CA_SECRET, optional: true } },
    { dest: `${SECRETS_DIR}/${KNOWN_HOSTS_SECRET}`, secret: { id: KNOWN_HOSTS_SECRET, optional: true } },
    { dest: `${SECRETS_DIR}/${GOAUTH_SECRET}`, secret: { id: GOAUTH_SECRET, optional: true } },
    { dest: SSH_SOCKET, ssh: { id: SSH_ID, optional: true } },
    { dest: PRIVATE_TMP, tmpfs: {} },
  ];
}

/**
 * Environment for the script: where the secrets are, and git's rewrite of
 * each GOPRIVATE host from https:// to ssh:// (without an agent the script
 * keeps only the SLIMGO_SSH_PINNED first ones, those SLIMGO_GIT_SSH names,
 * so https with .netrc keeps working for the rest).
 */
export function sessionEnv(plan: Plan): Array<[string, string]> {
  const hosts = plan.sshHosts ?? [];
  return [
    ["NETRC", NETRC_PATH],
    ["SLIMGO_CA_SECRET", `${SECRETS_DIR}/${CA_SECRET}`],
    ["SLIMGO_KNOWN_HOSTS", `${SECRETS_DIR}/${KNOWN_HOSTS_SECRET}`],
    ["SLIMGO_GOAUTH_SECRET", `${SECRETS_DIR}/${GOAUTH_SECRET}`],
    ["SLIMGO_PRIVATE_TMP", PRIVATE_TMP],
    ["SSH_AUTH_SOCK", SSH_SOCKET],
    ...gitSshRewrite(hosts),
  ];
}

/** GIT_CONFIG_* pairs that make git fetch https://HOST/… from each host's ssh:// URL, and how many lead pinned. */
export function gitSshRewrite(hosts: readonly GitSshHost[]): Array<[string, string]> {
  if (hosts.length === 0) return [];
  return [
    ["GIT_CONFIG_COUNT", String(hosts.length)],
    ["SLIMGO_SSH_PINNED", String(hosts.filter((h) => h.pinned).length)],
    ...hosts.flatMap((h, i): Array<[string, string]> => [
      [`GIT_CONFIG_KEY_${i}`, `url.${h.url}.insteadOf`],
      [`GIT_CONFIG_VALUE_${i}`, `https://${h.host}/`],
    ]),
  ];
}
