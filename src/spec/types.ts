/** The typed slimgo.yaml, after defaults that need nothing but the spec itself. */
import type { SpecRange } from "../types.js";

/** A string → string map in the order written (YAML keys are unique). */
export type StringPairs = ReadonlyArray<readonly [string, string]>;

/** A `files:` entry: a path of the build context copied into the image. */
export interface FileCopy {
  /** Relative to the build context, cleaned; a directory is copied with its contents. */
  readonly src: string;
  /** Absolute path in the image; ends with "/" to copy into a directory. */
  readonly dest: string;
  /** Mode of the copied files; unset keeps the context's. */
  readonly mode?: number;
  /** Numeric owner; unset means 0:0 (root), as with COPY. */
  readonly owner?: { readonly user: number; readonly group: number };
}

/** slimgo.yaml v1. Fields left optional are derived later from go.mod or other fields. */
export interface Spec {
  /** Package to build, cleaned: "." or "./cmd/x". */
  readonly main: string;
  readonly name?: string;
  /** "1.24" or "1.24.3". */
  readonly go?: string;
  readonly builder?: string;
  readonly cgo: boolean;
  /** With cgo: "dynamic" ships the loader and libraries, "static" links libc in. */
  readonly link?: string;
  readonly tags: readonly string[];
  /** Extra -ldflags, added after "-s -w"; "" when unset. */
  readonly ldflags: string;
  readonly buildEnv: StringPairs;
  /** "static", "scratch", "distroless" or an image reference. */
  readonly base: string;
  readonly user: string;
  readonly env: StringPairs;
  /** Normalised "8080/tcp". */
  readonly ports: readonly string[];
  readonly args: readonly string[];
  readonly labels: StringPairs;
  readonly healthcheck?: Healthcheck;
  /** Signal that stops the container, like "SIGINT" or "2". */
  readonly stopSignal?: string;
  /** OCI annotations of the image manifest (and of the index, for several platforms). */
  readonly annotations: StringPairs;
  readonly workdir: string;
  /** "none" or "upx". */
  readonly compress: string;
  readonly files: readonly FileCopy[];
  /** What the image is, for --call targets. */
  readonly description?: string;
  /** Other targets whose binaries this image also holds (targets only). */
  readonly include: readonly string[];
  /** Context paths of PEM CA certificates added to base: static's bundle. */
  readonly caCerts: readonly string[];
  readonly size?: SizePolicy;
}

/** `healthcheck:`: exec form; durations in nanoseconds, as the image config stores them. */
export interface Healthcheck {
  /** The command and its arguments, run without a shell. */
  readonly test: readonly string[];
  readonly interval?: number;
  readonly timeout?: number;
  readonly startPeriod?: number;
  readonly startInterval?: number;
  readonly retries?: number;
}

/** `size:`: a budget for each binary, and a share above which one module gets a warning. */
export interface SizePolicy {
  /** Largest allowed binary, in bytes. */
  readonly budget?: number;
  /** 0..1: a third-party module above this share of the binary gets a warning. */
  readonly warnModuleShare?: number;
}

/** A spec field's name. */
export type FieldName = keyof Spec;

/** Where things are in the spec file. */
export interface SpecRanges {
  /** Each field the user wrote, from its key to the end of its value. */
  readonly fields: { readonly [K in FieldName]?: SpecRange };
  /** The first line (the `# syntax=` line), for problems that belong to the whole file. */
  readonly firstLine: SpecRange;
  /** The `targets:` key and value, when written. */
  readonly targets?: SpecRange;
}

/** One entry of `targets:`: the fields it sets over the top-level ones. */
export interface SpecTarget {
  readonly name: string;
  /** The target's own fields only; the rest come from the top level. */
  readonly fields: Partial<Spec>;
  readonly ranges: { readonly [K in FieldName]?: SpecRange };
  /** The target's name in the file. */
  readonly nameRange: SpecRange;
}

/** parseSpec's result: the spec and where its parts were written. */
export interface ParsedSpec {
  readonly file: string;
  /** The top-level fields; after selectTarget, the chosen target's fields over them. */
  readonly spec: Spec;
  readonly ranges: SpecRanges;
  /** `targets:` in the order written; empty when the spec has none. */
  readonly targets: readonly SpecTarget[];
  /** Set by selectTarget: the target this spec was narrowed to. */
  readonly target?: string;
  /** Set by selectTarget: the spec as written, which other targets are narrowed from. */
  readonly root?: ParsedSpec;
}
