/** slimgo.yaml: parseSpec, selectTarget for the default, each and a misspelled target, and the plan of every target. */
import { parseGoMod } from "../../src/gomod/index.js";
import { planTargets } from "../../src/plan/index.js";
import { parseSpec, selectTarget } from "../../src/spec/index.js";
import { judgeWith } from "../located.js";
import { findFiles, readTexts } from "../seeds.js";
import type { LoadTarget } from "../target.js";
import { mutateHostile, textFamilies } from "./text-families.js";
import { SPEC_DICTIONARY, aliasCycle, aliasKey, bigDocument, deepNesting, longNames, manyAliases, nestedAliases, randomSpec, yamlFeatures } from "../gen/spec-gen.js";

const FILE = "slimgo.yaml";
const GO_MOD = parseGoMod("module example.com/app\n\ngo 1.22\n");
const OPTIONS = {
  platforms: [{ os: "linux", architecture: "amd64" }],
  buildPlatform: { os: "linux", architecture: "amd64" },
  buildArgs: { VERSION: "1.2.3" },
  network: "sandbox" as const,
  noCache: false,
};
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** The default target, each of the first few, and a near miss of the first (did-you-mean). */
function targetChoices(names: readonly string[]): Array<string | undefined> {
  const first = names[0];
  return [undefined, ...names.slice(0, 3), ...(first === undefined ? [] : [`${first}x`])];
}

/** Runs the spec the way `slimgo check` and the frontend do: parse, select, plan; every target's plan once. */
export function runSpec(text: string, judge: (err: unknown) => boolean): void {
  const parsed = parseSpec(text, FILE);
  targetChoices(parsed.targets.map((t) => t.name)).forEach((target, i) => {
    try {
      const spec = selectTarget(parsed, target);
      const { targetPlans } = planTargets({ spec, goMod: GO_MOD, options: { ...OPTIONS, ...(target === undefined ? {} : { target }) } });
      // `--call targets` and `slimgo check` plan all targets; doing it for each choice would only repeat that work.
      if (i === 0) targetPlans();
    } catch (err) {
      // A located error for one target is the answer for that target; the others still run.
      if (!judge(err)) throw err;
    }
  });
}

export const load: LoadTarget = ({ root }) => {
  const seeds = [
    ...readTexts(root, findFiles(root, ["test/fixtures", "examples"], (n) => n === FILE)),
    readTexts(root, [FILE])[0] ?? "",
  ];
  const families = textFamilies({
    seeds,
    random: randomSpec,
    dictionary: SPEC_DICTIONARY,
    hostile: [
      { name: "alias-cycle", weight: 4, make: aliasCycle },
      { name: "alias-key", weight: 4, make: aliasKey },
      { name: "nested-aliases", weight: 3, make: nestedAliases },
      { name: "many-aliases", weight: 3, make: manyAliases },
      { name: "long-names", weight: 3, make: longNames },
      { name: "deep-nesting", weight: 3, make: deepNesting },
      { name: "big-document", weight: 3, make: bigDocument },
      { name: "yaml-features", weight: 6, make: yamlFeatures },
      { name: "mutate-hostile", weight: 6, make: mutateHostile([aliasCycle, aliasKey, yamlFeatures, randomSpec], SPEC_DICTIONARY) },
    ],
  });
  const judge = judgeWith(["SpecErrors", "GoModError"], (input) => new Map([[FILE, decode(input)]]));
  return {
    name: "spec",
    ext: "yaml",
    families,
    shrinkable: true,
    run: (input) => runSpec(decode(input), (err) => judge(err, input).verdict === "located"),
    judge,
  };
};
