/** Shared values of the oracle graphs (the Go side's package-level vars in graphs.go). */
import type { MarshalOptions, Platform, SourceRange, State } from "../../src/llb/index.js";

export interface OracleGraph {
  readonly state: State;
  readonly opts: MarshalOptions;
}

export const amd64: Platform = { os: "linux", architecture: "amd64" };
export const arm64v8: Platform = { os: "linux", architecture: "arm64", variant: "v8" };
export const armV7: Platform = { os: "linux", architecture: "arm", variant: "v7" };

export const specYAML = "name: demo\nmain: ./cmd/demo\nplatforms:\n  - linux/amd64\n  - linux/arm64\n";

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export function rng(l1: number, c1: number, l2: number, c2: number): SourceRange {
  return { start: { line: l1, character: c1 }, end: { line: l2, character: c2 } };
}
