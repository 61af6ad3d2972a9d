/** The decisions for one build, made from the spec, go.mod and frontend options. Plain data, no I/O. */
import type { FileCopy, Healthcheck, SizePolicy } from "../spec/types.js";

import type { NetworkMode, Platform, SpecRange } from "../types.js";
import type { GitSshHost } from "./git-ssh.js";


export type { Platform, SpecRange } from "../types.js";

/** What the final stage starts from. */
export type BasePlan =
  /** scratch + CA certs, zoneinfo, passwd/group (nonroot 65532), /tmp, nsswitch.conf */
  | { readonly kind: "static" }
  /** the binary alone */
  | { readonly kind: "scratch" }
  /** any image (distroless resolves to its image ref) */
  | { readonly kind: "image"; readonly ref: string };

/** The image config fields slimgo sets (OCI image config `config`). */
export interface ImageConfigPlan {
  readonly user: string;
  readonly env: ReadonlyArray<readonly [string, string]>;
  readonly exposedPorts: readonly string[]; // "8080/tcp"
  readonly cmd: readonly string[]; // spec `args`
  readonly labels: ReadonlyArray<readonly [string, string]>;
  readonly workdir: string;
  /** Exec-form health check; absent keeps the base image's. */
  readonly healthcheck?: Healthcheck;
  /** Absent keeps the base image's. */
  readonly stopSignal?: string;
  /** Manifest (and index) annotations, sorted by name; the exporter writes them, not the config. */
  readonly annotations: ReadonlyArray<readonly [string, string]>;
}

/** One Go binary: what one `go build` step makes. */
export interface BinaryPlan {
  /** The spec target it comes from, when the spec has targets:. */
  readonly target?: string;
  /** Package to build, as given to `go build` (e.g. "./cmd/plain"). */
  readonly main: string;
  /** File name of the binary; the image holds it at /usr/local/bin/<name>. */
  readonly binaryName: string;
  readonly cgo: boolean;
  /** How a cgo binary gets its C libraries; undefined when cgo is off. */
  readonly link?: "static" | "dynamic";
  readonly tags: readonly string[];
  /**
   * The whole -ldflags value, "-s -w" first, build args filled in; the
   * target platform's ${TARGETOS}-style names are filled in per platform.
   */
  readonly ldflags: string;
  /** Pack the binary with UPX (opt-in). */
  readonly compress?: "upx";
  readonly locations: { readonly build?: SpecRange };
}

/** The image for one target: its binary, the binaries it includes, and everything shared. */
export interface Plan extends BinaryPlan {
  /** What the image is, for --call targets. */
  readonly description: string;
  /** Binaries of other targets this image also holds (`include:`); all static. */
  readonly include?: readonly BinaryPlan[];
  /** SOURCE_DATE_EPOCH: the mtime of every file slimgo adds to the image, and the image's creation time. */
  readonly sourceDateEpoch?: number;
  /** Context paths of CA certificates added to the static base's bundle. */
  readonly caCerts?: readonly string[];
  /** Context paths copied into the image. */
  readonly files?: readonly FileCopy[];
  /** `size:` limits checked on each binary of the image. */
  readonly size?: SizePolicy;
  /** The context has .git: go build stamps VCS information (-buildvcs=true). */
  readonly vcs?: boolean;
  /** Go version the builder runs, "major.minor" (e.g. "1.24"). */
  readonly goVersion: string;
  /** Builder image reference as written (normalised by src/llb). */
  readonly builderImage: string;
  /** Environment for the Go steps, sorted by name: buildEnv + passed-through build args. */
  readonly goEnv: ReadonlyArray<readonly [string, string]>;
  /** Network mode for steps that fetch modules. */
  readonly network: NetworkMode;
  readonly base: BasePlan;
  /** Where the Go steps run (the worker's platform). */
  readonly buildPlatform: Platform;
  /** One entry per target platform, in the order the user gave. */
  readonly targetPlatforms: readonly Platform[];
  readonly image: ImageConfigPlan;
  /** true when the user asked for --no-cache. */
  readonly noCache: boolean;
  /** `--no-cache-filter` names: steps (download, deps, build) or targets; absent when none. */
  readonly noCacheFilter?: readonly string[];
  /** Suffix of the cache mount ids: a hash of the cache namespace (see cache-namespace.ts). */
  readonly cacheKey: string;
  /**
   * Directories of go.mod's local `replace` targets, relative to the module
   * root and cleaned ("libs/auth", "../shared"), in go.mod order; absent when
   * there are none. `go mod download` needs each one's go.mod.
   */
  readonly localReplaces?: readonly string[];
  /** Replace targets outside the context, each from a named build context. */
  readonly externalReplaces?: ReadonlyArray<{ readonly context: string; readonly mountPath: string }>;
  /** go.work mode: exactly the files the download step includes (go.work, go.mod/go.sum of each module). */
  readonly workspaceFiles?: readonly string[];
  /** Dependencies come from vendor/ (-mod=vendor); there is no download step. */
  readonly vendored?: boolean;
  /** The context has no go.sum: the download step computes one. */
  readonly missingGoSum?: boolean;
  /** go.mod's requirements that GOPRIVATE names, for a failed download to point at; absent when none. */
  readonly privateModules?: ReadonlyArray<{ readonly path: string; readonly line: number }>;
  /** Hosts of GOPRIVATE whose https:// URLs git fetches over SSH (see git-ssh.ts). */
  readonly sshHosts?: readonly GitSshHost[];
  /** Spec locations of the fields that shape each step, for LLB source maps. */
  readonly locations: {
    readonly download?: SpecRange;
    readonly build?: SpecRange;
    readonly base?: SpecRange;
  };
}
