import assert from "node:assert/strict";
import { test } from "node:test";
import { GoModError, parseGoMod, parseGoWork } from "../../src/gomod/index.js";
import { moduleForMain, workspaceModuleFiles } from "../../src/plan/index.js";

const ws = (work: string, mods: Record<string, string>) => ({
  goWork: parseGoWork(work),
  modules: Object.entries(mods).map(([dir, text]) => ({ dir, goMod: parseGoMod(text, `${dir}/go.mod`) })),
});

const monorepo = ws("go 1.24\n\nuse (\n\t./services/api\n\t./libs/auth\n\t.\n)\n\nreplace example.com/x => ./third/x\n", {
  "services/api": "module example.com/api\n\ngo 1.24\n\nreplace example.com/y => ../../third/y\n",
  "libs/auth": "module example.com/auth\n\ngo 1.24\n",
  ".": "module example.com/root\n\ngo 1.24\n",
});

test("main's module is the longest used directory that holds it", () => {
  assert.equal(moduleForMain(monorepo, "./services/api/cmd/server")?.goMod.module, "example.com/api");
  assert.equal(moduleForMain(monorepo, "./libs/auth")?.goMod.module, "example.com/auth");
  assert.equal(moduleForMain(monorepo, "./tools/gen")?.goMod.module, "example.com/root");
});

test("the download step gets go.work and every module's and replace's go.mod/go.sum", () => {
  assert.deepEqual(workspaceModuleFiles(monorepo), [
    "go.work",
    "go.work.sum",
    "services/api/go.mod",
    "services/api/go.sum",
    "libs/auth/go.mod",
    "libs/auth/go.sum",
    "go.mod",
    "go.sum",
    "third/x/go.mod",
    "third/x/go.sum",
    "third/y/go.mod",
    "third/y/go.sum",
  ]);
});

test("a module's replace that leaves the context fails on that go.mod's line", () => {
  const bad = ws("go 1.24\n\nuse ./api\n", { api: "module example.com/api\n\ngo 1.24\n\nreplace example.com/y => ../../y\n" });
  assert.throws(
    () => workspaceModuleFiles(bad),
    (err: unknown) => err instanceof GoModError && /^api\/go\.mod:5:1: replace example\.com\/y => \.\.\/\.\.\/y points outside the build context/.test(err.message),
  );
});
