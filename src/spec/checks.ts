/** Value checks for spec fields: each returns the problem, or undefined when the value is fine. */
import { closest } from "./did-you-mean.js";
import { MAX_TARGET_NAME, shortName } from "./limits.js";

/** What is wrong with a value, and how to fix it. */
export interface Problem {
  readonly message: string;
  readonly hint?: string;
}

/** A check on one string value (a scalar field, a list item or a map key). */
export type Check = (value: string) => Problem | undefined;

const problem = (message: string, hint?: string): Problem => (hint === undefined ? { message } : { message, hint });

/** `main`: "." or a ./-relative package directory inside the module. */
export const checkMain: Check = (v) => {
  if (v === "") return problem("must not be empty", `use "." for the package at the module root`);
  if (v.includes("\\")) return problem(`"${v}" uses backslashes`, `write "${v.replaceAll("\\", "/")}"`);
  if (v.startsWith("/")) return problem(`"${v}" is an absolute path; main is relative to go.mod's directory`, `like "./cmd/app"`);
  const parts = v.split("/");
  if (parts.some((p) => p.includes("..."))) return problem(`"${v}" is a package pattern; main names one package`, `like "./cmd/app"`);
  if (parts.includes("..")) return problem(`"${v}" leaves the module; main must be a package inside it`, `point the build context at the module root`);
  if (v !== "." && !v.startsWith("./")) {
    const looksImported = (parts[0] ?? "").includes(".");
    return problem(
      `"${v}" must start with "./"`,
      looksImported ? `write the package directory relative to go.mod, like "./cmd/app"` : `did you mean "./${v}"?`,
    );
  }
  return undefined;
};

/** "./cmd//x/" → "./cmd/x", "./" → ".": the spelling `go build` and the name rule expect. */
export function cleanMain(v: string): string {
  const parts = v.split("/").filter((p) => p !== "" && p !== ".");
  return parts.length === 0 ? "." : `./${parts.join("/")}`;
}

/** `name`: one file name, no directories. */
export const checkFileName: Check = (v) => {
  if (v === "" || v === "." || v === "..") return problem(`"${v}" is not a file name`, `like "server"`);
  if (v.includes("/")) return problem(`"${v}" contains "/"; name is a file name, not a path`, `the binary always goes to /usr/local/bin`);
  if (/[\x00-\x1f\x7f]/.test(v)) return problem(`"${JSON.stringify(v).slice(1, -1)}" contains control characters`);
  if (new TextEncoder().encode(v).length > 255) return problem("is longer than 255 bytes");
  return undefined;
};

const GO_VERSION = /^1\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)|rc[1-9][0-9]*)?$/;

/** `go`: "1.24", "1.24.3" (or a release candidate like "1.25rc1"). */
export const checkGoVersion: Check = (v) => {
  if (GO_VERSION.test(v)) return undefined;
  if (/^go1\./.test(v) && GO_VERSION.test(v.slice(2))) return problem(`"${v}" is a toolchain name, not a version`, `did you mean "${v.slice(2)}"?`);
  return problem(`"${v}" is not a Go version`, `like "1.24" or "1.24.3"`);
};

// github.com/distribution/reference grammar.
const ALNUM = "[a-z0-9]+";
const PATH_COMPONENT = `${ALNUM}(?:(?:[._]|__|-+)${ALNUM})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^(?:${HOST}(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);

/** An image reference like "golang:1.24-bookworm" or "ghcr.io/org/img@sha256:…". */
export const checkImageRef: Check = (v) => {
  if (v === "") return problem("image reference is empty");
  if (REFERENCE.test(v)) return undefined;
  if (/\s/.test(v)) return problem(`"${v}" is not an image reference: it contains whitespace`);
  if (REFERENCE.test(lowercaseRepository(v))) return problem(`"${v}" is not an image reference: repository names are lowercase`, `did you mean "${lowercaseRepository(v)}"?`);
  if (/^[a-z]+:\/\//.test(v)) return problem(`"${v}" is not an image reference`, `drop the "${v.slice(0, v.indexOf("://") + 3)}" prefix`);
  return problem(`"${v}" is not an image reference`, `like "gcr.io/distroless/static-debian12" or "alpine:3.21"`);
};

// Lowercases the repository part only; a registry host and tag may keep their case.
function lowercaseRepository(v: string): string {
  const at = v.indexOf("@");
  const name = at < 0 ? v : v.slice(0, at);
  const digest = at < 0 ? "" : v.slice(at);
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  const tagStart = colon > slash ? colon : name.length;
  const first = name.indexOf("/");
  const hasHost = first > 0 && /[.:]|^localhost$/.test(name.slice(0, first));
  const repoStart = hasHost ? first + 1 : 0;
  return name.slice(0, repoStart) + name.slice(repoStart, tagStart).toLowerCase() + name.slice(tagStart) + digest;
}

/** The `base` keywords; anything else is an image reference. */
export const BASE_KEYWORDS = ["static", "scratch", "distroless"] as const;

/** `base`: a keyword or an image reference; a bare word close to a keyword is taken as a typo. */
export const checkBase: Check = (v) => {
  if ((BASE_KEYWORDS as readonly string[]).includes(v)) return undefined;
  const typo = /^[A-Za-z0-9_-]+$/.test(v) ? closest(v, BASE_KEYWORDS) : undefined;
  if (typo !== undefined) return problem(`unknown base "${v}"`, `did you mean "${typo}"?`);
  const bad = checkImageRef(v);
  return bad === undefined ? undefined : problem(bad.message, bad.hint ?? "use static, scratch, distroless or an image reference");
};

/** `link`: how a cgo binary gets its C libraries. */
export const checkLink: Check = (v) => {
  if (v === "static" || v === "dynamic") return undefined;
  const typo = closest(v, ["static", "dynamic"]);
  return problem(`unknown link mode "${v}"`, typo ? `did you mean "${typo}"?` : `use static or dynamic`);
};

/** `compress`: none, or upx on request. */
export const checkCompress: Check = (v) => {
  if (v === "none" || v === "upx") return undefined;
  return problem(`unknown compression "${v}"`, "use none or upx");
};

/** `tags` items: Go build tags are letters, digits, "_" and ".". */
export const checkBuildTag: Check = (v) => {
  if (/^[A-Za-z0-9_.]+$/.test(v)) return undefined;
  if (/[,\s]/.test(v)) return problem(`"${v}" holds several tags`, "list each tag as its own item");
  return problem(`"${v}" is not a valid build tag`, `tags use letters, digits, "_" and "."`);
};

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `env` keys: portable environment variable names. */
export const checkEnvName: Check = (v) =>
  ENV_NAME.test(v) ? undefined : problem(`"${v}" is not a valid environment variable name`, `use letters, digits and "_", not starting with a digit`);

// These come from other fields or from --platform; setting them here would fight those.
const RESERVED_BUILD_ENV: Record<string, string> = {
  CGO_ENABLED: "set cgo: true or false instead",
  GOOS: "choose target platforms with --platform",
  GOARCH: "choose target platforms with --platform",
  GOARM: "choose the variant with --platform, like linux/arm/v6",
  GOAMD64: "choose the variant with --platform, like linux/amd64/v3",
};

/** `buildEnv` keys: env names, minus the ones slimgo sets itself. */
export const checkBuildEnvName: Check = (v) => {
  const reserved = RESERVED_BUILD_ENV[v];
  if (reserved !== undefined) return problem(`${v} is set by slimgo`, reserved);
  return checkEnvName(v);
};

const USER_PART = "(?:[0-9]+|[A-Za-z_][A-Za-z0-9_.-]*)";
const USER = new RegExp(`^${USER_PART}(?::${USER_PART})?$`);

/** `user`: uid[:gid] or name[:group]. */
export const checkUser: Check = (v) => (USER.test(v) ? undefined : problem(`"${v}" is not a user`, `like "65532:65532" or "nonroot"`));

/** `labels` keys: anything but empty. */
export const checkLabelKey: Check = (v) => (v === "" ? problem("label name is empty") : undefined);

/** `annotations` keys: OCI annotation names, which BuildKit's exporter reads up to the first whitespace. */
export const checkAnnotationKey: Check = (v) => {
  if (v === "") return problem("annotation name is empty");
  if (/\s/.test(v)) return problem(`"${v}" contains whitespace`, `like "org.opencontainers.image.source"`);
  return undefined;
};

/** `stopSignal`: a signal name like "SIGINT" (the SIG prefix may be left out) or its number. */
export const checkStopSignal: Check = (v) => {
  if (/^[0-9]+$/.test(v)) return Number(v) >= 1 && Number(v) <= 64 ? undefined : problem(`signal ${v} is out of range`, "signal numbers are 1 to 64");
  if (/^(SIG)?[A-Z][A-Z0-9]*(\+[0-9]+)?$/.test(v)) return undefined;
  if (/^(sig)?[a-z][a-z0-9]*(\+[0-9]+)?$/i.test(v)) return problem(`"${v}" is not a signal name`, `signal names are upper case: did you mean "${v.toUpperCase()}"?`);
  return problem(`"${v}" is not a signal`, `like "SIGINT", "SIGTERM" or 15`);
};

/** `workdir`: an absolute path in the image. */
export const checkWorkdir: Check = (v) => (v.startsWith("/") ? undefined : problem(`"${v}" is not an absolute path`, `like "/data"`));

/** A `ports` item, as written: a number or "8080/tcp" → the normalised "8080/tcp", or the problem. */
export function parsePort(v: string): { port: string } | Problem {
  const m = /^([0-9]+)(?:\/([A-Za-z]+))?$/.exec(v);
  const mapping = /^(?:[0-9.]+:)?[0-9]+:([0-9]+)/.exec(v);
  if (m === null && mapping !== null) return problem(`"${v}" is a port mapping`, `an image only exposes ${mapping[1]}; publish it with docker run -p ${v}`);
  if (m === null) return problem(`"${v}" is not a port`, `like 8080 or "53/udp"`);
  const number = Number(m[1]);
  const proto = (m[2] ?? "tcp").toLowerCase();
  if (number < 1 || number > 65535) return problem(`port ${m[1]} is out of range`, "ports are 1 to 65535");
  if (proto !== "tcp" && proto !== "udp" && proto !== "sctp") return problem(`unknown protocol "${m[2] ?? ""}"`, "use tcp, udp or sctp");
  return { port: `${number}/${proto}` };
}

/** A target name, as `--target` passes it: letters, digits, ".", "_" and "-". */
export const checkTargetName: Check = (v) => {
  if (v.length > MAX_TARGET_NAME) return problem(`a target name of ${v.length} characters is too long; the limit is ${MAX_TARGET_NAME}`, `use a short name like "api"`);
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(v) ? undefined : problem(`"${shortName(v)}" is not a target name`, `use letters, digits, ".", "_" and "-", like "api"`);
};

/** `files[].src`: a path inside the build context. */
export const checkContextPath: Check = (v) => {
  if (v === "") return problem("src is empty", `name a file or directory of the build context, like "config/"`);
  if (v.startsWith("/")) return problem(`"${v}" is an absolute path; src is relative to the build context`, `write "${v.replace(/^\/+/, "")}"`);
  if (v.includes("\\")) return problem(`"${v}" uses backslashes`, `write "${v.replaceAll("\\", "/")}"`);
  if (v.split("/").includes("..")) return problem(`"${v}" leaves the build context`, "only files inside the context can be copied");
  return undefined;
};

/** `files[].mode`: octal, like "0644" or 755. */
export function parseMode(v: string): number | Problem {
  const m = /^0?o?([0-7]{3,4})$/.exec(v);
  if (m === null) return problem(`"${v}" is not a file mode`, `write it in octal, like "0644"`);
  return Number.parseInt(m[1] as string, 8);
}

/** `files[].owner`: numeric "uid:gid" or "uid". */
export function parseOwner(v: string): { user: number; group: number } | Problem {
  const m = /^([0-9]+)(?::([0-9]+))?$/.exec(v);
  if (m === null) return problem(`"${v}" is not a numeric owner`, `like "65532:65532"; names cannot be looked up in a scratch image`);
  const user = Number(m[1]);
  const group = Number(m[2] ?? m[1]);
  if (user > 0xffffffff || group > 0xffffffff) return problem(`"${v}" is out of range`);
  return { user, group };
}

const UNITS: Record<string, number> = { "": 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** `size.budget`: "12MB", "11.5 MiB", "800KB" or a number of bytes. */
export function parseBytes(v: string): number | Problem {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)$/.exec(v.trim());
  const unit = m?.[2]?.toLowerCase() ?? "";
  const factor = UNITS[unit];
  if (m === null || factor === undefined) return problem(`"${v}" is not a size`, `like "12MB", "11.5MiB" or 800KB`);
  const bytes = Math.round(Number(m[1]) * factor);
  return bytes > 0 ? bytes : problem("a size budget must be more than 0");
}

/** `size.warnModuleShare`: "25%" or 0.25. */
export function parseShare(v: string): number | Problem {
  const pct = /^([0-9]+(?:\.[0-9]+)?)\s*%$/.exec(v.trim());
  const share = pct ? Number(pct[1]) / 100 : /^0?\.[0-9]+$|^1(\.0+)?$/.test(v.trim()) ? Number(v) : Number.NaN;
  if (Number.isNaN(share)) return problem(`"${v}" is not a share`, `like "25%" or 0.25`);
  return share > 0 && share <= 1 ? share : problem(`"${v}" is not between 0 and 100%`);
}
