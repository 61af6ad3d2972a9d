/**
 * A module download that failed for want of credentials or a CA: the
 * download script says which by its exit code, and the plan knows which
 * requirements GOPRIVATE names. The error names the module, says it is
 * private, and gives the flag that fixes it, on go.mod's require line (or
 * the download step's spec line, the first line unless builder: or go: is
 * set, when no requirement is private).
 */
import type { Plan } from "../plan/types.js";
import { UserError } from "./errors.js";

/** Exit codes of download.sh. */
export const DOWNLOAD_EXIT = { credentials: 41, unknownAuthority: 42 } as const;

const NETRC_FIX = "--secret id=netrc,src=$HOME/.netrc";
const SSH_FIX = "--ssh default";
const CA_FIX = "--secret id=ca-certs,src=corp.pem";

/** The UserError for a download that exited with `exit`, or undefined when the exit code says nothing more. */
export function downloadFailure(plan: Plan, exit: number): UserError | undefined {
  if (exit !== DOWNLOAD_EXIT.credentials && exit !== DOWNLOAD_EXIT.unknownAuthority) return undefined;
  const goprivate = plan.goEnv.find(([k]) => k === "GOPRIVATE")?.[1];
  const mods = plan.privateModules ?? [];
  const first = mods[0];
  const named =
    first === undefined
      ? undefined
      : `${first.path}${mods.length > 1 ? ` (and ${mods.length - 1} more private module${mods.length > 2 ? "s" : ""})` : ""} is private (GOPRIVATE=${goprivate ?? ""})`;
  const where = first ? { file: "goMod" as const, line: first.line, col: 1 } : plan.locations.download ? { file: "spec" as const, line: plan.locations.download.start.line, col: plan.locations.download.start.col } : undefined;
  if (exit === DOWNLOAD_EXIT.credentials) {
    const what = named ? `${named} and its server asked for credentials` : "a module server asked for credentials (401/403, or git wanted a user name)";
    const fix = `pass ${NETRC_FIX} (a GOPROXY or git over https; "machine HOST:PORT" when the server has a port) or ${SSH_FIX} (git over SSH)`;
    const hint = named ? "" : "; for private modules also set --build-arg GOPRIVATE=<their path prefix>";
    return new UserError(`go mod download: ${what}: ${fix}${hint}`, where);
  }
  const what = named ? `${named} and its server's TLS certificate is signed by an unknown authority` : "a module server's TLS certificate is signed by an unknown authority";
  return new UserError(`go mod download: ${what}: pass your CA with ${CA_FIX} (trusted by the download step only, never in a layer)`, where);
}
