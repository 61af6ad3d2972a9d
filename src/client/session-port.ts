/**
 * The client's session (src/session) as the build uses it: local dirs,
 * outputs, secrets, SSH and registry auth served to BuildKit over
 * Control.Session. Declared here so the build can be driven (and tested)
 * against any implementation of it.
 */
import type { Client } from "@grpc/grpc-js";
import { ConnectError } from "./address.js";

/** An exporter's files delivered over the session, by exporter index. */
export interface OutputSpec {
  readonly type: "local" | "tar" | "oci" | "docker";
  /** A directory for local, a file for the others. */
  readonly dest: string;
}

export interface SessionOptions {
  dirs?: ReadonlyMap<string, { dir: string; excludes?: readonly string[] }>;
  outputs?: readonly OutputSpec[];
  secrets?: ReadonlyMap<string, { file?: string; env?: string }>;
  ssh?: ReadonlyMap<string, readonly string[]>;
  dockerConfigDir?: string;
}

export interface BuildSession {
  readonly id: string;
  /** Open Control.Session on this client's channel; resolves when BuildKit has it. */
  attach(client: Client): Promise<void>;
  /** Rejects if the session dies before finish(). */
  readonly done: Promise<void>;
  /** Commit (ok) or discard (!ok) outputs, then close. */
  finish(ok: boolean): Promise<void>;
}

export type SessionFactory = (opts: SessionOptions) => BuildSession;

/** The session implementation of this slimgo (src/session), loaded when a build needs it. */
export async function defaultSessionFactory(): Promise<SessionFactory> {
  let mod: { Session?: new (o: SessionOptions) => BuildSession };
  try {
    // A literal path, so the bundle carries src/session; inside try, a tree without it still bundles and type-checks.
    // @ts-ignore -- absent until src/session is in the tree
    mod = (await import("../session/index.js")) as unknown as typeof mod;
  } catch {
    throw new ConnectError("this slimgo was built without its session (src/session): it cannot send the build context to BuildKit");
  }
  const Session = mod.Session;
  if (Session === undefined) throw new ConnectError("src/session does not export Session: this slimgo cannot send the build context to BuildKit");
  return (o) => new Session(o);
}
