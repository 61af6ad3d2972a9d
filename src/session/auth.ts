/**
 * moby.filesync.v1.Auth/Credentials: registry credentials for a host, read as
 * the docker CLI reads them from config.json: a credential helper for the host
 * (`credHelpers`), else the default store (`credsStore`), else `auths` (the
 * base64 `auth` field or `username`/`password`; an `identitytoken` is sent as
 * the secret with no user name). A host nothing is known for gets empty
 * credentials, and BuildKit then goes on anonymously.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import { Auth } from "../gen/session/auth_pb.js";
import { type ServedMethod, StatusError, unary } from "./grpc-service.js";

export interface Credentials {
  readonly username: string;
  readonly secret: string;
}

const NONE: Credentials = { username: "", secret: "" };
/** Docker Hub's entry in config.json, whatever host BuildKit names it by. */
const DOCKER_HUB = "https://index.docker.io/v1/";
const HUB_HOSTS = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);
/** A helper that hangs or floods must not hold the build. */
const HELPER_TIMEOUT_MS = 30_000;
const HELPER_MAX_BYTES = 1 << 20;

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** `https://host/v1/` → `host`, as the docker CLI compares config keys. */
function hostname(key: string): string {
  const bare = key.replace(/^https?:\/\//, "");
  return bare.split("/")[0]!;
}

export async function readDockerConfig(dir: string): Promise<DockerConfig> {
  const file = join(dir, "config.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new StatusError(status.UNAVAILABLE, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not a JSON object");
    return parsed as DockerConfig;
  } catch (err) {
    throw new StatusError(status.INVALID_ARGUMENT, `${file} is not valid JSON (${(err as Error).message}): fix it or move it away`);
  }
}

/** Credentials for a registry host from the docker config in `dir`. */
export async function credentialsFor(host: string, dir: string): Promise<Credentials> {
  const config = await readDockerConfig(dir);
  const isHub = HUB_HOSTS.has(host);
  const wanted = isHub ? "index.docker.io" : host;
  const serverUrl = isHub ? DOCKER_HUB : host;

  const helperKey = Object.keys(config.credHelpers ?? {}).find((k) => hostname(k) === wanted);
  const helper = helperKey !== undefined ? config.credHelpers![helperKey] : config.credsStore;
  if (helper) {
    const fromHelper = await askHelper(helper, helperKey ?? serverUrl);
    if (fromHelper !== undefined) return fromHelper;
  }

  const authKey = Object.keys(config.auths ?? {}).find((k) => hostname(k) === wanted);
  const entry = authKey !== undefined ? config.auths![authKey] : undefined;
  if (entry === undefined) return NONE;
  if (entry.identitytoken) return { username: "", secret: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString();
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new StatusError(status.INVALID_ARGUMENT, `${join(dir, "config.json")}: the auth of ${authKey} is not base64 of user:password`);
    return { username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  return { username: entry.username ?? "", secret: entry.password ?? "" };
}

/** `docker-credential-NAME get` with the server URL on stdin; undefined when it knows nothing of it. */
function askHelper(name: string, serverUrl: string): Promise<Credentials | undefined> {
  const program = `docker-credential-${name}`;
  return new Promise((resolve, reject) => {
    const child = execFile(program, ["get"], { timeout: HELPER_TIMEOUT_MS, maxBuffer: HELPER_MAX_BYTES }, (err, stdout) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
        if (e.code === "ENOENT") return reject(new StatusError(status.UNAVAILABLE, `credential helper ${program} is not on PATH: install it or remove "${name}" from the docker config`));
        if (e.killed) return reject(new StatusError(status.DEADLINE_EXCEEDED, `credential helper ${program} did not answer within ${HELPER_TIMEOUT_MS / 1000} s`));
        // Helpers exit non-zero with "credentials not found" for an unknown server.
        if (/not found/i.test(stdout)) return resolve(undefined);
        return reject(new StatusError(status.UNAVAILABLE, `credential helper ${program} failed: ${stdout.trim() || e.message}`));
      }
      try {
        const got = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!got.Secret) return resolve(undefined);
        // "<token>" marks an identity token, which goes out with no user name.
        resolve(got.Username === "<token>" ? { username: "", secret: got.Secret } : { username: got.Username ?? "", secret: got.Secret });
      } catch {
        reject(new StatusError(status.UNAVAILABLE, `credential helper ${program} answered something that is not JSON`));
      }
    });
    child.stdin?.end(serverUrl);
  });
}

export function authService(dockerConfigDir: string | undefined): ServedMethod {
  const dir = dockerConfigDir ?? process.env["DOCKER_CONFIG"] ?? join(homedir(), ".docker");
  return unary(Auth.method.credentials, async (req) => {
    const c = await credentialsFor(req.Host, dir);
    return { Username: c.username, Secret: c.secret };
  });
}
