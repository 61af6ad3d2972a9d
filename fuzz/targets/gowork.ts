/** go.work: parseGoWork, each `use` as a module of the workspace, and the workspace plan (download step files, module for main). */
import { parseGoMod, parseGoWork } from "../../src/gomod/index.js";
import { contextDir, moduleForMain, planTargets } from "../../src/plan/index.js";
import { judgeWith } from "../located.js";
import { findFiles, readTexts } from "../seeds.js";
import type { LoadTarget } from "../target.js";
import { textFamilies } from "./text-families.js";
import { GOMOD_DICTIONARY, badEscapes, hostileGoWork, randomGoWork } from "../gen/gomod-gen.js";
import { OPTIONS, SPEC, SPEC_FILE, SPEC_TEXT, checkPlanPaths } from "./plan-input.js";

const FILE = "go.work";
const decode = (b: Uint8Array) => new TextDecoder().decode(b);
/** The used modules' go.mod files: every other one has a local replace, so the workspace's replace rules run too. */
const GO_MODS = [parseGoMod("module example.com/a\n\ngo 1.22\n"), parseGoMod("module example.com/b\n\ngo 1.22\n\nreplace example.com/lib => ../lib\n")] as const;
const MODULE_GO_MOD = (i: number) => GO_MODS[i % 2] as (typeof GO_MODS)[number];

export const load: LoadTarget = ({ root }) => {
  const seeds = [...readTexts(root, findFiles(root, ["test/fixtures", "examples"], (n) => n === FILE)), "go 1.24\n\nuse (\n\t./api\n\t./lib\n)\n\nreplace example.com/x => ./x\n"];
  const families = textFamilies({
    seeds,
    random: randomGoWork,
    dictionary: GOMOD_DICTIONARY,
    hostile: [
      { name: "bad-escapes", weight: 4, make: (rng) => badEscapes(rng).replace(/^module /m, "use ") },
      { name: "hostile", weight: 8, make: hostileGoWork },
    ],
  });
  const judge = judgeWith(["GoModError", "SpecErrors"], (input) => new Map([[FILE, decode(input)], [SPEC_FILE, SPEC_TEXT]]));
  return {
    name: "gowork",
    ext: "work",
    families,
    shrinkable: true,
    run: (input) => {
      const goWork = parseGoWork(decode(input), FILE);
      const modules = goWork.use.map((u, i) => ({ dir: contextDir(".", u.path), goMod: MODULE_GO_MOD(i) }));
      const workspace = { goWork, modules };
      const goMod = moduleForMain(workspace, SPEC.spec.main)?.goMod ?? MODULE_GO_MOD(0);
      const { plan } = planTargets({ spec: SPEC, goMod, workspace, options: OPTIONS });
      checkPlanPaths(plan);
    },
    judge,
  };
};
