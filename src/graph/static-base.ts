/**
 * The `static` base: what a Go program expects from a system and scratch
 * lacks. CA certificates (TLS), zoneinfo (time.LoadLocation), a non-root
 * user with a home (os/user, files under $HOME), a world-writable sticky
 * /tmp (os.TempDir) and an nsswitch.conf that makes the pure-Go resolver
 * read /etc/hosts before DNS, as glibc would.
 *
 * It is assembled by a shell step rather than file ops: LLB mkdir masks the
 * mode to 0777 under the daemon's umask, so a 1777 /tmp needs chmod.
 */
import { STATIC_BASE_SH } from "../gen/shell.js";
import { local, scratch, type MountOptions, type State } from "../llb/index.js";

export const NONROOT_UID = 65532;
export const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
export const ZONEINFO = "/usr/share/zoneinfo";
const ROOTFS = "/rootfs";
const CA_DIR = "/slimgo-ca";

/** The files the static base writes, by path. */
export const STATIC_FILES: Readonly<Record<string, string>> = {
  "/etc/passwd": `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${NONROOT_UID}:${NONROOT_UID}:nonroot:/home/nonroot:/sbin/nologin\n`,
  "/etc/group": `root:x:0:\nnonroot:x:${NONROOT_UID}:\n`,
  "/etc/nsswitch.conf": "hosts: files dns\n",
};

/** A root filesystem with the static essentials, taken from the builder image; `caCerts` (context paths) join its CA bundle. */
export function staticBase(builder: State, caCerts: readonly string[] = [], sessionId = ""): State {
  const extra: MountOptions[] =
    caCerts.length === 0
      ? []
      : [{ dest: CA_DIR, readonly: true, source: local("context", { sessionId, includePatterns: [...caCerts], sharedKeyHint: "slimgo-ca-certs", customName: "[context] load caCerts" }) }];
  return builder
    .run({
      args: ["/bin/sh", "-c", STATIC_BASE_SH],
      env: [
        ["SLIMGO_ROOTFS", ROOTFS],
        ["SLIMGO_CA_BUNDLE", CA_BUNDLE],
        ["SLIMGO_ZONEINFO", ZONEINFO],
        ["SLIMGO_UID", String(NONROOT_UID)],
        ["SLIMGO_PASSWD", STATIC_FILES["/etc/passwd"] ?? ""],
        ["SLIMGO_GROUP", STATIC_FILES["/etc/group"] ?? ""],
        ["SLIMGO_NSSWITCH", STATIC_FILES["/etc/nsswitch.conf"] ?? ""],
        ...(caCerts.length > 0 ? ([["SLIMGO_CA_DIR", CA_DIR], ["SLIMGO_EXTRA_CA", caCerts.join("\n")]] as const) : []),
      ],
      mounts: [{ dest: ROOTFS, source: scratch() }, ...extra],
      network: "none",
      customName: "static base: CA certificates, zoneinfo, nonroot user, /tmp",
    })
    .getMount(ROOTFS);
}
