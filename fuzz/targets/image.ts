/** `docker save` archives, read as `slimgo size --image` reads them: layers, entrypoint, image summary, then the binary's size report. */
import { ImageError, entrypointBinary, readSavedImage } from "../../src/cli/image-files.js";
import { ElfError, formatSizeReport, sizeReport } from "../../src/elf/index.js";
import { formatImageSummary, summariseImage } from "../../src/report/image-summary.js";
import { judgeWith } from "../located.js";
import { mutate, tokens } from "../mutate.js";
import { type Rng, rngFor } from "../prng.js";
import { COSTLY_WEIGHT, type Family, type LoadTarget } from "../target.js";
import { goLikeElf } from "../gen/elf-gen.js";
import { badGzip, bomb, goodImage, manyFiles, pathTricks, wrongTypes } from "../gen/image-gen.js";

/** What sizeCommand does with the archive docker save streams, without docker. */
export async function readImage(bytes: Uint8Array): Promise<void> {
  const image = await readSavedImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  let binary;
  try {
    binary = entrypointBinary(image);
  } catch (err) {
    if (!(err instanceof ImageError)) throw err;
    return;
  }
  formatImageSummary(summariseImage(image, binary), "fuzz:latest", 10);
  try {
    formatSizeReport(sizeReport(await image.read(binary)), { top: 10, tree: true });
  } catch (err) {
    if (!(err instanceof ElfError)) throw err;
  }
}

const DICTIONARY = tokens(['"Config"', '"Layers"', '"Entrypoint"', '"Cmd"', '"Env"', "null", "[]", "{}", "manifest.json", ".wh.", ".wh..wh..opq", "ustar\x0000", "\x1f\x8b\x08\x00"]);

export const load: LoadTarget = ({ goBinaries }) => {
  const small = Array.from({ length: 4 }, (_, i) => goLikeElf(rngFor("image-seed", i)));
  const real = [...goBinaries.values()];
  const binaries = [...small, ...real];
  // A real Go binary costs tens of milliseconds to pack and to size (the ELF target reads them at length):
  // one image in fifty carries one.
  const binary = (rng: Rng) => (real.length > 0 && rng.chance(0.02) ? rng.pick(real) : rng.pick(small));
  const seeds = Array.from({ length: 12 }, (_, i) => goodImage(rngFor("image-good", i), binaries[i % binaries.length] as Uint8Array));
  const families: Family[] = [
    { name: "good", weight: 10, make: (rng) => goodImage(rng, binary(rng)) },
    { name: "mutate", weight: 25, make: (rng) => mutate(rng, rng.pick(seeds), { dictionary: DICTIONARY, other: () => rng.pick(seeds) }) },
    { name: "wrong-types", weight: 20, make: (rng) => wrongTypes(rng, binary(rng)) },
    { name: "bad-gzip", weight: 20, make: (rng) => badGzip(rng, binary(rng)) },
    { name: "path-tricks", weight: 10, make: (rng) => pathTricks(rng, binary(rng)) },
    { name: "many-files", weight: COSTLY_WEIGHT, make: (rng) => manyFiles(rng, binary(rng)) },
    { name: "gzip-bomb", weight: COSTLY_WEIGHT, make: (rng) => bomb(rng, binary(rng)) },
  ];
  // Deleting bytes from a tar breaks its headers before it reaches the bug: reproducers stay as made.
  return { name: "image", ext: "tar", families, shrinkable: false, run: readImage, judge: judgeWith(["ImageError", "ElfError"], () => new Map()) };
};
