/** What a fuzz target provides: input families, a run, and its verdict on errors. */
import type { Judgement } from "./oracle.js";
import type { Rng } from "./prng.js";

/** One way of making inputs: mutated seeds, or a hostile structure built on purpose. */
export interface Family {
  readonly name: string;
  /** Relative share of the inputs. */
  readonly weight: number;
  make(rng: Rng): Uint8Array;
}

export interface FuzzTarget {
  readonly name: string;
  /** File extension of saved reproducers. */
  readonly ext: string;
  readonly families: readonly Family[];
  /** Runs one input through the code under test; throws what it throws. */
  run(input: Uint8Array): void | Promise<void>;
  /** Is this thrown value the project's own located error? */
  judge(err: unknown, input: Uint8Array): Judgement;
  /** Reproducers may be shrunk by deleting bytes (false for structured inputs). */
  readonly shrinkable: boolean;
  /** What a stalled run was waiting for (a reply that never came), for its key. */
  describeStall?(): string | undefined;
  /** A self-contained copy of an input, for saving: references to seeds replaced by their bytes. */
  materialize?(input: Uint8Array): Uint8Array;
}

/**
 * The weight of a family whose inputs are huge on purpose (amplifiers, bombs,
 * tens of thousands of directives). One costs 20–700 ms where a mutant costs
 * about 1, so at an even share they took most of a campaign; at this one each
 * still gets about a thousand inputs in 10⁶.
 */
export const COSTLY_WEIGHT = 0.1;

/** Where a target finds its seeds. */
export interface TargetContext {
  /** The repository root. */
  readonly root: string;
  /** Small Go binaries built once with the host toolchain, by name; empty without Go. */
  readonly goBinaries: ReadonlyMap<string, Uint8Array>;
}

/** Each target module exports `load`. */
export type LoadTarget = (ctx: TargetContext) => Promise<FuzzTarget> | FuzzTarget;

/** The target names and their modules, in campaign order. */
export const TARGETS: readonly { readonly name: string; readonly module: string }[] = [
  { name: "spec", module: "./targets/spec.ts" },
  { name: "gomod", module: "./targets/gomod.ts" },
  { name: "gowork", module: "./targets/gowork.ts" },
  { name: "elf", module: "./targets/elf.ts" },
  { name: "image", module: "./targets/image.ts" },
  { name: "git", module: "./targets/git.ts" },
  { name: "gateway", module: "./targets/gateway.ts" },
];
