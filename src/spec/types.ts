/** The typed slimgo.yaml, after defaults that need nothing but the spec itself. */
import type { SpecRange } from "../plan/types.js";

/** A string → string map in the order written (YAML keys are unique). */
export type StringPairs = ReadonlyArray<readonly [string, string]>;

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
  readonly workdir: string;
  /** "none" or "upx". */
  readonly compress: string;
}

/** A spec field's name. */
export type FieldName = keyof Spec;

/** Where things are in the spec file. */
export interface SpecRanges {
  /** Each field the user wrote, from its key to the end of its value. */
  readonly fields: { readonly [K in FieldName]?: SpecRange };
  /** The first line (the `# syntax=` line), for problems that belong to the whole file. */
  readonly firstLine: SpecRange;
}

/** parseSpec's result: the spec and where its parts were written. */
export interface ParsedSpec {
  readonly file: string;
  readonly spec: Spec;
  readonly ranges: SpecRanges;
}
