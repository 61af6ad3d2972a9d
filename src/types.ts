/**
 * The vocabulary every stage shares: platforms, spec positions, image
 * configs and the modes BuildKit takes. A leaf: it imports nothing, so the
 * spec, the planner, the graph, the gateway and the LLB builder can all use
 * it without importing each other.
 */

/** An OCI platform, as BuildKit's pb.Platform spells it. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** A 1-based line/column range in the spec file, for errors and LLB source locations. */
export interface SpecRange {
  readonly start: { readonly line: number; readonly col: number };
  readonly end: { readonly line: number; readonly col: number };
}

/** The subset of the OCI image config slimgo reads from resolved images and writes for its own. */
export interface ImageConfigJson {
  architecture?: string;
  os?: string;
  variant?: string;
  config?: {
    Env?: string[];
    WorkingDir?: string;
    User?: string;
    Entrypoint?: string[];
    Cmd?: string[];
    ExposedPorts?: Record<string, object>;
    Labels?: Record<string, string>;
    Healthcheck?: HealthcheckJson;
    StopSignal?: string;
  };
  [key: string]: unknown;
}

/** Docker's HealthConfig: Test is ["CMD", …] for exec form; durations in nanoseconds. */
export interface HealthcheckJson {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** An image config as ResolveImageConfig returns it, with the manifest digest it came from. */
export interface ResolvedImage {
  readonly digest: string;
  readonly config: ImageConfigJson;
}

/** Where an image is looked for: the registry, the local store, or whichever BuildKit prefers. */
export type ResolveMode = "default" | "pull" | "local";

/** A step's network: BuildKit's sandbox, the host's, or none. */
export type NetworkMode = "sandbox" | "host" | "none";

/**
 * The headers (everything through the imports) of the context's Go files,
 * what the go list step reads instead of the source; sorted by path.
 */
export interface GoHeaders {
  readonly files: ReadonlyArray<{ readonly path: string; readonly header: Uint8Array }>;
}
