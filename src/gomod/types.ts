/** What slimgo reads from go.mod and go.work. */

/** A module path with an optional version, as on either side of a replace. */
export interface ModuleVersion {
  readonly path: string;
  readonly version?: string;
}

/** One `require` line. */
export interface GoModRequire {
  readonly path: string;
  readonly version: string;
  /** Marked `// indirect`. */
  readonly indirect: boolean;
  readonly line: number;
}

/** One `replace` line. */
export interface GoModReplace {
  readonly from: ModuleVersion;
  readonly to: ModuleVersion;
  /** The target is a directory (./, ../ or rooted), so its files must be in the build context. */
  readonly local: boolean;
  readonly line: number;
}

/** A parsed go.mod. */
export interface ParsedGoMod {
  readonly module: string;
  /** The `go` line as written, e.g. "1.24" or "1.24.3". */
  readonly go?: string;
  /** The `toolchain` line as written, e.g. "go1.24.3". */
  readonly toolchain?: string;
  readonly require: readonly GoModRequire[];
  readonly replace: readonly GoModReplace[];
}

/** One `use` line of go.work. */
export interface GoWorkUse {
  readonly path: string;
  readonly line: number;
}

/** A parsed go.work. */
export interface ParsedGoWork {
  readonly go?: string;
  readonly toolchain?: string;
  readonly use: readonly GoWorkUse[];
  readonly replace: readonly GoModReplace[];
}
