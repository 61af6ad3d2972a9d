/** ELF binaries: header, program headers, dynamic section, build info, function and symbol tables, size report and its text. */
import { buildElf } from "../../test/elf/synthetic-elf.js";
import { judgeWith } from "../located.js";
import { type Field, mutate, tokens } from "../mutate.js";
import { type Rng, rngFor } from "../prng.js";
import { COSTLY_WEIGHT, type Family, type LoadTarget } from "../target.js";
import { AMPLIFIERS, elfFields, goLikeElf, manyHeaders } from "../gen/elf-gen.js";
import { readEverything } from "./elf-run.js";

const MODINFO = "path\texample.com/old/cmd/tool\nmod\texample.com/old\t(devel)\t\ndep\tgolang.org/x/text\tv0.3.7\th1:abc=\n=>\tgolang.org/x/text\tv0.3.8\th1:abc=\nbuild\tCGO_ENABLED=0\nbuild\tGOARCH=amd64\n";

/** The hand-made layouts of the ELF tests: both classes and byte orders, pointer build info, extended numbering. */
function syntheticSeeds(): Uint8Array[] {
  return [
    buildElf({ class: 64, littleEndian: true, machine: 62, sections: true, buildInfo: { format: "inline", version: "go1.24.3", modinfo: MODINFO } }),
    buildElf({ class: 32, littleEndian: false, machine: 8, interp: "/lib/ld.so.1", needed: ["libc.so.6", "libm.so.6"], runpath: "$ORIGIN/../lib:/opt/lib", sections: true }),
    buildElf({ class: 64, littleEndian: false, machine: 22, buildInfo: { format: "pointer", version: "go1.17", modinfo: MODINFO } }),
    buildElf({ class: 32, littleEndian: true, machine: 40, buildInfo: { format: "pointer", version: "go1.16.2", modinfo: MODINFO }, sections: true }),
    buildElf({ class: 64, littleEndian: true, machine: 62, type: 3, soname: "libx.so.1", flags1: 0x08000000, rpath: "/r", sections: true, extendedPhnum: true }),
    buildElf({ class: 64, littleEndian: true, machine: 183, interp: "/lib/ld-linux-aarch64.so.1", needed: ["libc.so.6"], flags1: 0x08000000, sections: false }),
  ];
}

const DICTIONARY = tokens(["\x7fELF", "\xff Go buildinf:", ".gopclntab", ".go.buildinfo", ".symtab", ".strtab", ".dynamic", ".dynstr", ".interp", "path\t", "dep\t", "=>\t", "build\t", "mod\t", "libc.so.6\0"]);
const MAGICS = [Uint8Array.of(0xf1, 0xff, 0xff, 0xff), Uint8Array.of(0xf0, 0xff, 0xff, 0xff), Uint8Array.of(0xfa, 0xff, 0xff, 0xff), Uint8Array.of(0xff, 0xff, 0xff, 0xff)];

export const load: LoadTarget = ({ goBinaries }) => {
  const made = Array.from({ length: 24 }, (_, i) => goLikeElf(rngFor("elf-seed", i)));
  const small = [...syntheticSeeds(), ...made];
  const real = [...goBinaries.values()];
  const fieldsOf = new Map<Uint8Array, Field[]>();
  const fields = (seed: Uint8Array) => () => {
    let f = fieldsOf.get(seed);
    if (f === undefined) fieldsOf.set(seed, (f = elfFields(seed)));
    return f;
  };
  const pick = (rng: Rng) => (real.length > 0 && rng.chance(0.1) ? rng.pick(real) : rng.pick(small));
  const families: Family[] = [
    { name: "go-like", weight: 15, make: goLikeElf },
    {
      name: "mutate",
      weight: 40,
      make: (rng) => {
        const seed = pick(rng);
        return mutate(rng, seed, { dictionary: [...DICTIONARY, ...MAGICS], other: () => rng.pick(small), fields: fields(seed) });
      },
    },
    {
      name: "fields",
      weight: 20,
      make: (rng) => {
        const seed = pick(rng);
        return mutate(rng, seed, { fields: fields(seed), rounds: 1 + rng.int(3), dictionary: MAGICS });
      },
    },
    {
      name: "mutate-go-like",
      weight: 10,
      make: (rng) => {
        const seed = goLikeElf(rng);
        return mutate(rng, seed, { fields: () => elfFields(seed), dictionary: MAGICS });
      },
    },
    { name: "truncate", weight: 4, make: (rng) => pick(rng).slice(0, rng.int(pick(rng).length)) },
    // Each amplifier is a family of its own, so one that hangs does not stop the others being tried.
    ...Object.entries(AMPLIFIERS).map(([name, make]) => ({ name, weight: COSTLY_WEIGHT, make })),
    { name: "many-headers", weight: COSTLY_WEIGHT, make: manyHeaders },
  ];
  return {
    name: "elf",
    ext: "elf",
    families,
    shrinkable: true,
    run: readEverything,
    judge: judgeWith(["ElfError"], () => new Map()),
  };
};
