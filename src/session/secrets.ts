/**
 * moby.buildkit.secrets.v1.Secrets/GetSecret: a build secret by id, read from
 * its file or environment variable when BuildKit asks. An id the client was
 * not given answers NotFound, which BuildKit reports as a missing secret (or
 * ignores for an optional mount).
 */
import { readFile, stat } from "node:fs/promises";
import { status } from "@grpc/grpc-js";
import { Secrets } from "../gen/session/secrets_pb.js";
import { type ServedMethod, StatusError, unary } from "./grpc-service.js";

export interface SecretSource {
  readonly file?: string;
  readonly env?: string;
}

/** BuildKit's own limit on a secret's size. */
export const MAX_SECRET_BYTES = 500 * 1024;

export async function readSecret(id: string, secrets: ReadonlyMap<string, SecretSource>, env: NodeJS.ProcessEnv = process.env): Promise<Uint8Array> {
  const src = secrets.get(id);
  if (src === undefined) throw new StatusError(status.NOT_FOUND, `secret ${id} not found: pass --secret id=${id},src=FILE (or env=VAR)`);
  if (src.file !== undefined) {
    const info = await stat(src.file).catch((err: NodeJS.ErrnoException) => {
      throw new StatusError(status.NOT_FOUND, `secret ${id}: cannot read ${src.file}: ${err.code ?? err.message}`);
    });
    if (!info.isFile()) throw new StatusError(status.INVALID_ARGUMENT, `secret ${id}: ${src.file} is not a file`);
    if (info.size > MAX_SECRET_BYTES) throw new StatusError(status.INVALID_ARGUMENT, `secret ${id}: ${src.file} is ${info.size} bytes, more than the ${MAX_SECRET_BYTES} BuildKit accepts`);
    return readFile(src.file);
  }
  const name = src.env ?? id;
  const value = env[name];
  if (value === undefined) throw new StatusError(status.NOT_FOUND, `secret ${id}: environment variable ${name} is not set`);
  return Buffer.from(value);
}

export function secretsService(secrets: ReadonlyMap<string, SecretSource>): ServedMethod {
  return unary(Secrets.method.getSecret, async (req) => ({ data: await readSecret(req.ID, secrets) }));
}
