/** What `slimgo build` was asked to do, after its flags are read: buildx's meanings, checked but not yet sent. */

/** One `-o`/`--output` (or `--push`/`--load`): an exporter type and its attributes. */
export interface OutputEntry {
  readonly type: string;
  readonly attrs: Readonly<Record<string, string>>;
}

/** One `--cache-from`/`--cache-to` entry. */
export interface CacheEntry {
  readonly type: string;
  readonly attrs: Readonly<Record<string, string>>;
}

export type CallName = "build" | "check" | "targets" | "outline" | "size";
export type ProgressMode = "auto" | "plain" | "tty" | "rawjson" | "quiet";

export interface BuildOptions {
  /** The build context directory ([DIR]). */
  readonly contextDir: string;
  /** The spec file (-f), as a path; its directory is uploaded as the `dockerfile` local. "-": read from stdin. */
  readonly specFile: string;
  readonly target?: string;
  readonly platforms: readonly string[];
  readonly buildArgs: ReadonlyArray<readonly [string, string]>;
  readonly labels: ReadonlyArray<readonly [string, string]>;
  readonly tags: readonly string[];
  readonly push: boolean;
  readonly load: boolean;
  readonly outputs: readonly OutputEntry[];
  readonly cacheFrom: readonly CacheEntry[];
  readonly cacheTo: readonly CacheEntry[];
  /** id → a file or an environment variable. */
  readonly secrets: ReadonlyMap<string, { readonly file?: string; readonly env?: string }>;
  /** id → agent socket or key paths (empty: $SSH_AUTH_SOCK). */
  readonly ssh: ReadonlyMap<string, readonly string[]>;
  /** `--build-context NAME=VALUE`: a directory, or a source URL (docker-image://…) passed through. */
  readonly buildContexts: ReadonlyMap<string, string>;
  readonly noCache: boolean;
  readonly pull: boolean;
  readonly network?: "default" | "host" | "none";
  readonly call: CallName;
  readonly metadataFile?: string;
  readonly progress: ProgressMode;
  /** Entitlements (`--allow network.host`). */
  readonly allow: readonly string[];
  /** Run this frontend image (gateway.v0) instead of the frontend in this process. */
  readonly frontendImage?: string;
  /**
   * `--attest`, `--sbom`, `--provenance`: attestation type → the `attest:TYPE`
   * option's value (its CSV parameters), or null when disabled.
   */
  readonly attests: ReadonlyMap<string, string | null>;
}
