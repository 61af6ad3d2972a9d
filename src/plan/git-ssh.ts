/**
 * Where git fetches each GOPRIVATE host over SSH. By default
 * https://HOST/ becomes ssh://git@HOST/ when the client forwards an agent.
 * A server on another port, user or path says so with
 * --build-arg SLIMGO_GIT_SSH=HOST=ssh://USER@SSHHOST:PORT/PREFIX/ (comma-
 * separated); such a host is fetched over SSH even without an agent, so a
 * missing --ssh fails as SSH's "Permission denied", which names the fix.
 */
import type { Problem } from "../spec/checks.js";

export const GIT_SSH_BUILD_ARG = "SLIMGO_GIT_SSH";

export interface GitSshHost {
  /** The host as the module path and GOPRIVATE write it. */
  readonly host: string;
  /** The ssh:// URL prefix that replaces https://HOST/, ending in "/". */
  readonly url: string;
  /** Named by SLIMGO_GIT_SSH: rewritten with or without an agent. */
  readonly pinned?: true;
}

// git config keys and values hold these safely: no spaces, quotes or shell metacharacters.
const SSH_URL = /^ssh:\/\/[A-Za-z0-9._-]+@[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~/-]*)?$/;

/** Pinned hosts first (download.sh keeps only those without an agent), then the rest, each sorted. */
export function gitSshHosts(goprivateHosts: readonly string[], arg: string | undefined): GitSshHost[] | Problem {
  const pinned = new Map<string, string>();
  for (const entry of (arg ?? "").split(",").map((e) => e.trim()).filter((e) => e !== "")) {
    const eq = entry.indexOf("=");
    const host = eq > 0 ? entry.slice(0, eq).toLowerCase() : "";
    const url = eq > 0 ? entry.slice(eq + 1) : "";
    const shown = `--build-arg ${GIT_SSH_BUILD_ARG}=…${entry.slice(0, 80)}`;
    if (host === "" || !SSH_URL.test(url)) {
      return { message: `${shown}: each entry is HOST=ssh://USER@SSHHOST[:PORT][/PATH/]`, hint: `e.g. ${GIT_SSH_BUILD_ARG}=git.corp.example=ssh://git@git.corp.example:2222/` };
    }
    if (!goprivateHosts.includes(host)) {
      return { message: `${shown}: ${host} is not a host at the head of a GOPRIVATE pattern, so go would not fetch it from git`, hint: `add ${host} to --build-arg GOPRIVATE` };
    }
    pinned.set(host, url.endsWith("/") ? url : `${url}/`);
  }
  const first = [...pinned].sort(([a], [b]) => a.localeCompare(b)).map(([host, url]): GitSshHost => ({ host, url, pinned: true }));
  const rest = goprivateHosts.filter((h) => !pinned.has(h)).map((host): GitSshHost => ({ host, url: `ssh://git@${host}/` }));
  return [...first, ...rest];
}
