/**
 * One frontend run as data: the launch environment, the files BuildKit
 * serves, the build's output and the replies that misbehave. Scenarios are
 * JSON, so a finding's reproducer is a file that can be read and replayed.
 */

export type Method = "ping" | "solve" | "readFile" | "readDir" | "statFile" | "resolveImageConfig" | "warn";

/** How one reply goes wrong. */
export type Fault =
  | { readonly method: Method; readonly nth: number | "all"; readonly what: "no-reply" }
  | { readonly method: Method; readonly nth: number | "all"; readonly what: "error"; readonly code: number; readonly message: string }
  | { readonly method: "solve"; readonly nth: number | "all"; readonly what: "empty-result" | "refs-result" }
  /** `onBuild`: only reads of the build's output (the binary and its report), counted among those. */
  | { readonly method: "readFile"; readonly nth: number | "all"; readonly what: "longer" | "shorter" | "empty" | "garbage"; readonly onBuild?: boolean }
  | { readonly method: "statFile"; readonly nth: number | "all"; readonly what: "size"; readonly size: string; readonly onBuild?: boolean }
  | { readonly method: "statFile"; readonly nth: number | "all"; readonly what: "no-stat"; readonly onBuild?: boolean }
  | { readonly method: "readDir"; readonly nth: number | "all"; readonly what: "entries"; readonly entries: ReadonlyArray<{ path: string; mode: number; size: string }> }
  | { readonly method: "resolveImageConfig"; readonly nth: number | "all"; readonly what: "config"; readonly config: string }
  | { readonly method: "ping"; readonly nth: number | "all"; readonly what: "caps" | "workers"; readonly caps?: readonly string[]; readonly platforms?: ReadonlyArray<{ OS: string; Architecture: string; Variant?: string }> };

/** The build output, per GOARCH: the seed binary for that architecture, or something else. */
export type BinarySource =
  | { readonly kind: "seed" }
  | { readonly kind: "empty" }
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "truncate"; readonly at: number }
  | { readonly kind: "mutate"; readonly seed: number }
  | { readonly kind: "other-arch" }
  /** The bytes themselves, per GOARCH (a saved reproducer carries its binaries). */
  | { readonly kind: "bytes"; readonly base64: Readonly<Record<string, string>> };

export interface Scenario {
  /** The launch environment: BUILDKIT_WORKERS, BUILDKIT_SESSION_ID, BUILDKIT_FRONTEND_OPT_n. */
  readonly env: Readonly<Record<string, string>>;
  /** The `dockerfile` local: the spec and its .dockerignore. */
  readonly specFiles: Readonly<Record<string, string>>;
  /** The `context` local: go.mod, go.sum, go.work, .dockerignore, vendor/modules.txt, .git/HEAD, modules' go.mod. */
  readonly contextFiles: Readonly<Record<string, string>>;
  readonly binary: BinarySource;
  /** What the build step's `go list` report says. */
  readonly goList: string;
  readonly workers: ReadonlyArray<{ OS: string; Architecture: string; Variant?: string }>;
  readonly faults: readonly Fault[];
  /** A credential planted in the build args: it must reach neither the log (info and above) nor the Return. */
  readonly secret?: string;
}

export const ALL_CAPS = [
  "solve.base", "readfile", "readdir", "resolveimage", "return", "proto.refarray", "file.base", "exec.mount.cache", "exec.mount.bind",
  "exec.meta.network", "exec.meta.base", "exec.mount.selector", "exec.mount.cache.sharing", "exec.mount.cache.content", "source.local",
  "source.local.includepatterns", "source.local.followpaths", "source.local.excludepatterns", "source.local.sharedkeyhint",
  "source.local.sessionid", "source.local.differ", "source.image", "constraints", "platform", "meta.description",
  "exec.meta.setsdefaultpath", "statfile", "gateway.solve.evaluate", "importcaches", "source.image.resolvemode",
] as const;
