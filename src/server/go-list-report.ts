/** The build step's `go list` report: which packages use cgo, and whether net or os/user are linked. */

export interface GoListReport {
  /** Packages of the main module with cgo files (`import "C"`). */
  readonly cgoInModule: readonly string[];
  /** Dependencies with cgo files. */
  readonly cgoInDeps: readonly string[];
  /** Standard packages that behave differently with cgo: net (resolver), os/user (NSS). */
  readonly usesNet: boolean;
  readonly usesOsUser: boolean;
  /** crypto/x509 is linked: the program verifies TLS certificates, so it needs CA roots. */
  readonly usesX509: boolean;
}

export function parseGoListReport(text: string): GoListReport {
  const cgoInModule: string[] = [];
  const cgoInDeps: string[] = [];
  let usesNet = false;
  let usesOsUser = false;
  let usesX509 = false;
  for (const line of text.split("\n")) {
    const [kind, pkg] = line.trim().split(/\s+/, 2);
    if (kind === "cgo" && pkg) cgoInModule.push(pkg);
    else if (kind === "cgo-dep" && pkg) cgoInDeps.push(pkg);
    else if (kind === "std" && pkg === "net") usesNet = true;
    else if (kind === "std" && pkg === "os/user") usesOsUser = true;
    else if (kind === "std" && pkg === "crypto/x509") usesX509 = true;
  }
  return { cgoInModule, cgoInDeps, usesNet, usesOsUser, usesX509 };
}
