/**
 * A module download that failed for want of credentials, a CA, an SSH key or client:
 * the download script says which by its exit code, and the plan knows which
 * requirements GOPRIVATE names. The error names the module, says it is
 * private, and gives the flag that fixes it, on go.mod's require line (or
 * the download step's spec line, the first line unless builder: or go: is
 * set, when no requirement is private).
 */
import type { Plan } from "../plan/types.js";
import { UserError } from "./errors.js";

/** Exit codes of download.sh. */
export const DOWNLOAD_EXIT = { credentials: 41, unknownAuthority: 42, sshKeyRefused: 43, sshHostKey: 44, noSshClient: 45 } as const;

const NETRC_FIX = "--secret id=netrc,src=$HOME/.netrc";
const GOAUTH_FIX = "--secret id=goauth,src=FILE";
const SSH_FIX = "--ssh default";
const CA_FIX = "--secret id=ca-certs,src=corp.pem";
const KNOWN_HOSTS_FIX = "--secret id=known_hosts,src=$HOME/.ssh/known_hosts";

type Exit = (typeof DOWNLOAD_EXIT)[keyof typeof DOWNLOAD_EXIT];

/** What went wrong (after "MODULE is private (…) and") and how to fix it, by exit code. */
const ADVICE: Record<Exit, { named: string; unnamed: string; fix: string }> = {
  [DOWNLOAD_EXIT.credentials]: {
    named: "its server asked for credentials",
    unnamed: "a module server asked for credentials (401/403, or git wanted a user name)",
    fix: `pass ${NETRC_FIX} (a GOPROXY or git over https; "machine HOST:PORT" when the server has a port), ${GOAUTH_FIX} (HTTP headers such as a bearer token, in GOAUTH's format) or ${SSH_FIX} (git over SSH)`,
  },
  [DOWNLOAD_EXIT.unknownAuthority]: {
    named: "its server's TLS certificate is signed by an unknown authority",
    unnamed: "a module server's TLS certificate is signed by an unknown authority",
    fix: `pass your CA with ${CA_FIX} (trusted by the download step only, never in a layer)`,
  },
  [DOWNLOAD_EXIT.sshKeyRefused]: {
    named: "its git server refused SSH login (Permission denied (publickey))",
    unnamed: "a git server refused SSH login (Permission denied (publickey))",
    fix: `pass ${SSH_FIX} with an ssh-agent (SSH_AUTH_SOCK) holding a key that server accepts`,
  },
  [DOWNLOAD_EXIT.sshHostKey]: {
    named: "its git server's SSH host key is not in the known_hosts secret",
    unnamed: "a git server's SSH host key is not in the known_hosts secret",
    fix: `pass ${KNOWN_HOSTS_FIX} with a line for that server ("[HOST]:PORT" when it has a port)`,
  },
  [DOWNLOAD_EXIT.noSshClient]: {
    named: "git needs an ssh client to fetch it, which the builder image lacks and the download step could not install",
    unnamed: "git needs an ssh client, which the builder image lacks and the download step could not install",
    fix: "set builder: to an image with openssh-client, or let the download step reach the apt or apk package mirror",
  },
};

function isExit(exit: number): exit is Exit {
  return Object.values(DOWNLOAD_EXIT).includes(exit as Exit);
}

/** The UserError for a download that exited with `exit`, or undefined when the exit code says nothing more. */
export function downloadFailure(plan: Plan, exit: number): UserError | undefined {
  if (!isExit(exit)) return undefined;
  const goprivate = plan.goEnv.find(([k]) => k === "GOPRIVATE")?.[1];
  const mods = plan.privateModules ?? [];
  const first = mods[0];
  const where = first ? { file: "goMod" as const, line: first.line, col: 1 } : plan.locations.download ? { file: "spec" as const, line: plan.locations.download.start.line, col: plan.locations.download.start.col } : undefined;
  const advice = ADVICE[exit];
  if (first === undefined) {
    const hint = exit === DOWNLOAD_EXIT.credentials ? "; for private modules also set --build-arg GOPRIVATE=<their path prefix>" : "";
    return new UserError(`go mod download: ${advice.unnamed}: ${advice.fix}${hint}`, where);
  }
  const more = mods.length > 1 ? ` (and ${mods.length - 1} more private module${mods.length > 2 ? "s" : ""})` : "";
  return new UserError(`go mod download: ${first.path}${more} is private (GOPRIVATE=${goprivate ?? ""}) and ${advice.named}: ${advice.fix}`, where);
}
