/** Input families of a text format: random files from its grammar, mutants of seeds and random files, and hostile generators. */
import { mutateText, tokens } from "../mutate.js";
import type { Rng } from "../prng.js";
import type { Family } from "../target.js";

const utf8 = new TextEncoder();

export interface TextFormat {
  /** Files from the repository and hand-written ones. */
  readonly seeds: readonly string[];
  /** A random file from the format's grammar. */
  readonly random: (rng: Rng) => string;
  /** Tokens the mutator inserts. */
  readonly dictionary: readonly string[];
  /** Hostile generators by family name, with their weights. */
  readonly hostile: ReadonlyArray<{ readonly name: string; readonly weight: number; readonly make: (rng: Rng) => string }>;
}

/** "random" and "mutate" families, then the hostile ones. */
export function textFamilies(f: TextFormat): Family[] {
  const dictionary = tokens(f.dictionary);
  const seedOrRandom = (rng: Rng) => (f.seeds.length > 0 && rng.chance(0.5) ? rng.pick(f.seeds) : f.random(rng));
  const text = (make: (rng: Rng) => string) => (rng: Rng) => utf8.encode(make(rng));
  return [
    { name: "random", weight: 25, make: text(f.random) },
    { name: "mutate", weight: 45, make: text((rng) => mutateText(rng, seedOrRandom(rng), { dictionary, other: () => seedOrRandom(rng) })) },
    ...f.hostile.map((h) => ({ name: h.name, weight: h.weight, make: text(h.make) })),
  ];
}

/** A mutant of a hostile input: where generators and mutation meet. */
export function mutateHostile(makers: ReadonlyArray<(rng: Rng) => string>, dictionary: readonly string[]): (rng: Rng) => string {
  const dict = tokens(dictionary);
  return (rng) => mutateText(rng, rng.pick(makers)(rng), { dictionary: dict });
}
