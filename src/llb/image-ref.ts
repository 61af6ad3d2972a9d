/**
 * Image reference normalisation as distribution/reference's
 * `ParseNormalizedNamed` + `TagNameOnly` do it for client/llb's `Image`:
 * `golang:1.24` → `docker.io/library/golang:1.24`, `alpine` → `…:latest`,
 * registry hosts (`127.0.0.1:5000/x:y`, `localhost/x`) kept.
 */
import { LlbError } from "./errors.js";

const alphanumeric = "[a-z0-9]+";
const separator = "(?:[._]|__|[-]+)";
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const domainNameComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const ipv6address = "\\[(?:[a-fA-F0-9:]+)\\]";
const domainAndPort = `(?:${domainName}|${ipv6address})(?::[0-9]+)?`;
const tagPat = "[\\w][\\w.-]{0,127}";
const digestPat = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}";

const referenceRe = new RegExp(`^((?:${domainAndPort}/)?${remoteName})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const nameRe = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const identifierRe = /^[a-f0-9]{64}$/;

const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };
const MAX_PATH_LENGTH = 255;

/** A parsed, normalised reference. */
export interface ImageRef {
  readonly domain: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** The reference client/llb would put after `docker-image://`. Throws LlbError when Go would reject it. */
export function normalizeImageRef(ref: string): string {
  const r = parseNormalizedNamed(ref);
  const name = `${r.domain}/${r.path}`;
  if (r.tag === undefined && r.digest === undefined) return `${name}:latest`;
  return `${name}${r.tag !== undefined ? `:${r.tag}` : ""}${r.digest !== undefined ? `@${r.digest}` : ""}`;
}

export function parseNormalizedNamed(ref: string): ImageRef {
  const fail = (why: string): never => {
    throw new LlbError(`image reference ${JSON.stringify(ref)}: ${why}`);
  };
  if (ref === "") throw new LlbError("image reference is empty");
  if (identifierRe.test(ref)) fail("a 64-character hex id is not a repository name");
  const [domain, remainder] = splitDockerDomain(ref);
  const tagSep = remainder.indexOf(":");
  const remote = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remote.toLowerCase() !== remote) fail(`repository name ${JSON.stringify(remote)} must be lowercase`);

  const full = `${domain}/${remainder}`;
  const m = referenceRe.exec(full);
  if (m === null) {
    if (referenceRe.test(full.toLowerCase())) fail("repository name must be lowercase");
    return fail("invalid reference format");
  }
  const name = nameRe.exec(m[1] ?? "");
  const path = name?.[2] ?? m[1] ?? "";
  if (path.length > MAX_PATH_LENGTH) fail(`repository name must not be more than ${MAX_PATH_LENGTH} characters`);
  const digest = m[3];
  if (digest !== undefined) checkDigest(digest, fail);
  return {
    domain: name?.[1] ?? "",
    path,
    ...(m[2] !== undefined ? { tag: m[2] } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

function checkDigest(d: string, fail: (why: string) => never): void {
  const at = d.indexOf(":");
  const algorithm = d.slice(0, at);
  const encoded = d.slice(at + 1);
  const want = DIGEST_HEX_LENGTH[algorithm];
  if (want === undefined) fail(`unsupported digest algorithm ${JSON.stringify(algorithm)}`);
  if (encoded.length !== want || !/^[a-f0-9]+$/.test(encoded)) fail(`invalid ${algorithm} digest ${JSON.stringify(encoded)}`);
}

/** Splits off the registry host; Docker Hub names get `docker.io` and, without a namespace, `library/`. */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf("/");
  if (slash === -1) return ["docker.io", `library/${name}`];
  const maybeDomain = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain: string;
  let remainder: string;
  if (maybeDomain === "index.docker.io") {
    [domain, remainder] = ["docker.io", rest];
  } else if (maybeDomain === "localhost" || /[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    [domain, remainder] = [maybeDomain, rest];
  } else {
    [domain, remainder] = ["docker.io", name];
  }
  if (domain === "docker.io" && !remainder.includes("/")) remainder = `library/${remainder}`;
  return [domain, remainder];
}
