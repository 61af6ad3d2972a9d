/**
 * The client's session (src/session) as a build uses it: local dirs,
 * outputs, local caches, secrets, SSH and registry auth served to BuildKit over
 * Control.Session. The build takes a factory, so tests can drive it with a
 * stand-in.
 */
import type { Client } from "@grpc/grpc-js";
import { Session, type SessionOptions } from "../session/index.js";

export type { LocalCacheSpec, OutputSpec, SessionOptions } from "../session/index.js";

export interface BuildSession {
  readonly id: string;
  /** Open Control.Session on this client's channel; resolves when BuildKit has it. */
  attach(client: Client): Promise<void>;
  /** Rejects if the session dies before finish(). */
  readonly done: Promise<void>;
  /** Commit (ok) or discard (!ok) outputs and local caches, then close; `response` is the Solve's exporter response. */
  finish(ok: boolean, response?: Readonly<Record<string, string>>): Promise<void>;
}

export type SessionFactory = (opts: SessionOptions) => BuildSession;

export const defaultSessionFactory: SessionFactory = (o) => new Session(o);
