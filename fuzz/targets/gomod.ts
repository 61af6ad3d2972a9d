/** go.mod: parseGoMod, then the plan of a one-line spec over it (Go version, binary name, local and external replaces). */
import { posix } from "node:path";
import { type ParsedGoMod, parseGoMod } from "../../src/gomod/index.js";
import { MODULE_ROOT, planTargets } from "../../src/plan/index.js";
import { judgeWith } from "../located.js";
import { findFiles, readTexts } from "../seeds.js";
import { COSTLY_WEIGHT, type LoadTarget } from "../target.js";
import { textFamilies } from "./text-families.js";
import { GOMOD_DICTIONARY, badEscapes, escapingReplaces, hugeToken, manyDirectives, randomGoMod } from "../gen/gomod-gen.js";
import { OPTIONS, SPEC, SPEC_FILE, SPEC_TEXT, checkPlanPaths } from "./plan-input.js";

const FILE = "go.mod";
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/**
 * The named context a user passes for each replace that leaves the context,
 * as the error message tells them to, so the plan goes on to mount it.
 */
export function suggestedContexts(goMod: ParsedGoMod): string[] {
  return goMod.replace.filter((r) => r.local).map((r) => posix.basename(posix.join(MODULE_ROOT, posix.normalize(r.to.path).replace(/\/+$/, "") || r.to.path)));
}

export const load: LoadTarget = ({ root }) => {
  const seeds = [
    ...readTexts(root, findFiles(root, ["test/fixtures", "examples", "test/llb-oracle"], (n) => n === FILE)),
    "module example.com/app\n\ngo 1.22\n\ntoolchain go1.24.3\n\nrequire (\n\texample.com/lib v1.2.3 // indirect\n\tgithub.com/a/b v0.0.0-20240101000000-abcdefabcdef\n)\n\nreplace example.com/lib => ../lib\n\nretract [v1.0.0, v1.0.5] // broken\n\ngodebug default=go1.21\n\ntool example.com/cmd/x\n",
    'module "example.com/quoted\\u00e9"\n\ngo 1.24.3\n\nexclude example.com/x v1.0.0\n\nreplace example.com/x v1.0.0 => example.com/y v1.1.0\n',
  ];
  const families = textFamilies({
    seeds,
    random: randomGoMod,
    dictionary: GOMOD_DICTIONARY,
    hostile: [
      { name: "bad-escapes", weight: 6, make: badEscapes },
      { name: "many-directives", weight: COSTLY_WEIGHT, make: manyDirectives },
      { name: "huge-token", weight: COSTLY_WEIGHT, make: hugeToken },
      { name: "escaping-replaces", weight: 6, make: escapingReplaces },
    ],
  });
  const judge = judgeWith(["GoModError", "SpecErrors"], (input) => new Map([[FILE, decode(input)], [SPEC_FILE, SPEC_TEXT]]));
  return {
    name: "gomod",
    ext: "mod",
    families,
    shrinkable: true,
    run: (input) => {
      const goMod = parseGoMod(decode(input), FILE);
      const { plan } = planTargets({ spec: SPEC, goMod, options: { ...OPTIONS, namedContexts: suggestedContexts(goMod) } });
      checkPlanPaths(plan);
    },
    judge,
  };
};
