/** The paths the Go steps mount are all ones a replace target may not resolve into (plan/local-replaces.ts keeps the list). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { reservedPathAt } from "../../src/plan/index.js";
import { namedExecs, recipeDefinitions } from "./recipe.js";

test("every mount and working directory of every step is reserved", () => {
  const paths = new Set<string>();
  for (const missingGoSum of [false, true]) {
    const { defs } = recipeDefinitions({
      spec: "main: .\ncompress: upx\ncgo: true\n",
      goMod: "module example.com/app\n\ngo 1.24\n",
      input: { missingGoSum },
    });
    for (const step of defs.flatMap(namedExecs)) {
      for (const m of step.exec.mounts) if (m.dest !== "/") paths.add(m.dest);
      if (step.exec.meta?.cwd) paths.add(step.exec.meta.cwd);
    }
  }
  assert.ok(paths.size >= 8, [...paths].join(", "));
  for (const path of paths) assert.ok(reservedPathAt(path) !== undefined, `${path} is mounted by a step but a replace could resolve onto it`);
});
