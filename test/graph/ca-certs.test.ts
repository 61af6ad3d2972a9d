/** caCerts: the spec's CAs join the static base's bundle from the context; on another base the spec line says why not. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SpecErrors } from "../../src/spec/index.js";
import { namedExecs, recipeDefinitions } from "./recipe.js";

const goMod = "module example.com/app\n\ngo 1.24\n";

test("the static base step mounts exactly the named certificates and lists them for its script", () => {
  const { defs } = recipeDefinitions({ spec: "# syntax=slimgo:dev\nmain: .\ncaCerts: [certs/corp.pem, certs/second ca.pem]\n", goMod });
  const step = defs.flatMap(namedExecs).find((s) => s.name.startsWith("static base"));
  assert.ok(step);
  const env = step.exec.meta?.env ?? [];
  assert.ok(env.includes("SLIMGO_EXTRA_CA=certs/corp.pem\ncerts/second ca.pem"), env.join("\n"));
  assert.ok(step.exec.mounts.some((m) => m.dest === "/slimgo-ca" && m.readonly));
  assert.equal(step.exec.network, 2, "the static base runs without network");
});

test("without caCerts the static base reads nothing from the context", () => {
  const { defs } = recipeDefinitions({ spec: "# syntax=slimgo:dev\nmain: .\n", goMod });
  const step = defs.flatMap(namedExecs).find((s) => s.name.startsWith("static base"));
  assert.ok(step && !step.exec.mounts.some((m) => m.dest === "/slimgo-ca"));
  assert.ok(!(step.exec.meta?.env ?? []).some((e) => e.startsWith("SLIMGO_EXTRA_CA")));
});

test("caCerts on another base fails on its line; a path leaving the context fails too", () => {
  assert.throws(() => recipeDefinitions({ spec: "# syntax=slimgo:dev\nbase: scratch\ncaCerts: [corp.pem]\n", goMod }), (e: unknown) => e instanceof SpecErrors && /:3:1: caCerts: these CAs join the bundle of base: static, but base is scratch/.test(e.message));
  assert.throws(() => recipeDefinitions({ spec: "# syntax=slimgo:dev\ncaCerts: [../corp.pem]\n", goMod }), /leaves the build context/);
});
