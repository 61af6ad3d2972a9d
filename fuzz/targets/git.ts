/** git's objects: commitTime over a repository's object files held in memory, as the frontend reads them by range. */
import { type GitFiles, commitTime } from "../../src/vcs/index.js";
import { judgeWith } from "../located.js";
import { mutate } from "../mutate.js";
import type { Rng } from "../prng.js";
import type { Family, LoadTarget } from "../target.js";
import { type GitInput, decodeGitInput, encodeGitInput, hostileRepository, realRepositories } from "../gen/git-gen.js";

function inMemory(files: ReadonlyMap<string, Uint8Array>): GitFiles {
  return {
    readRange: async (path, offset, length) => files.get(path)?.subarray(offset, offset + length),
    listFiles: async (dir, suffix) =>
      [...files.keys()].filter((p) => p.startsWith(`${dir}/`) && !p.slice(dir.length + 1).includes("/") && p.endsWith(suffix)).map((p) => p.slice(dir.length + 1)),
  };
}

/** One file of the repository changed by `change`, the others as they were. */
function changeOneFile(rng: Rng, input: GitInput, change: (data: Uint8Array) => Uint8Array): GitInput {
  const paths = [...input.files.keys()];
  const path = rng.pick(paths);
  const files = new Map(input.files);
  files.set(path, change(input.files.get(path) as Uint8Array));
  return { commit: input.commit, files };
}

export const load: LoadTarget = () => {
  const seeds = realRepositories();
  const families: Family[] = [
    { name: "real", weight: 5, make: (rng) => encodeGitInput(rng.pick(seeds)) },
    { name: "mutate-file", weight: 45, make: (rng) => encodeGitInput(changeOneFile(rng, rng.pick(seeds), (d) => mutate(rng, d))) },
    { name: "cut-file", weight: 20, make: (rng) => encodeGitInput(changeOneFile(rng, rng.pick(seeds), (d) => d.subarray(0, rng.int(d.length + 1)))) },
    { name: "mutate-input", weight: 10, make: (rng) => mutate(rng, encodeGitInput(rng.pick(seeds))) },
    { name: "hostile", weight: 20, make: (rng) => encodeGitInput(hostileRepository(rng)) },
  ];
  return {
    name: "git",
    ext: "gitobj",
    families,
    // Deleting bytes breaks the container's lengths before it reaches the reader.
    shrinkable: false,
    run: async (bytes) => {
      const { commit, files } = decodeGitInput(bytes);
      const time = await commitTime(inMemory(files), commit);
      if (time !== undefined && !Number.isSafeInteger(time)) throw new Error(`commitTime gave ${time}`);
    },
    judge: judgeWith(["GitObjectError"], () => new Map()),
  };
};
