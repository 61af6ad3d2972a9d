/**
 * Spec values and build args reach the constant `sh -c` scripts only as "$@"
 * arguments or environment variables, never as script text: a value with
 * $(…), backticks or ; is data to the shell.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { namedExecs, recipeDefinitions } from "./recipe.js";

const HOSTILE = "$(touch pwned);`id`;echo pwned";
const hostileSpec = `main: ./cmd/app
name: "app${HOSTILE}"
ldflags: "-X main.version=\${VERSION} -X 'main.x=${HOSTILE}'"
tags: ["netgo"]
buildEnv:
  EVIL: "${HOSTILE}"
files:
  - {src: "conf/${HOSTILE}.conf", dest: "/etc/app${HOSTILE}/", mode: "0640"}
compress: upx
`;
const benignSpec = "main: ./cmd/app\nname: app\ncompress: upx\nfiles:\n  - {src: conf/app.conf, dest: /etc/app/, mode: \"0640\"}\n";
const hostileArgs = { VERSION: HOSTILE, GOFLAGS: `-x ${HOSTILE}`, GOPROXY: `https://proxy.example/${HOSTILE}`, GOPRIVATE: HOSTILE };
const goMod = "module example.com/app\n\ngo 1.24\n";

/** Every shell script body of the graph, by step. */
function scripts(spec: string, buildArgs: Record<string, string>, missingGoSum: boolean) {
  const { defs } = recipeDefinitions({ spec, goMod, buildArgs, platforms: "linux/amd64,linux/arm64", input: { missingGoSum } });
  const steps = defs.flatMap(namedExecs);
  const bodies = steps.flatMap((s) => {
    const [sh, flag, body] = s.exec.meta?.args ?? [];
    return sh === "/bin/sh" && flag === "-c" && body !== undefined ? [body] : [];
  });
  return { steps, bodies: [...new Set(bodies)].sort() };
}

for (const missingGoSum of [false, true]) {
  test(`$(…), backticks and ; in name, ldflags, build args, buildEnv and files never enter a script${missingGoSum ? " (go.sum computed)" : ""}`, () => {
    const hostile = scripts(hostileSpec, hostileArgs, missingGoSum);
    const benign = scripts(benignSpec, {}, missingGoSum);
    // Download, list, dependencies, build, static base, upx install: the same constant texts as for a harmless spec.
    assert.ok(hostile.bodies.length >= 6, `only ${hostile.bodies.length} scripts`);
    assert.deepEqual(hostile.bodies, benign.bodies);
    for (const body of hostile.bodies) assert.ok(!body.includes("pwned"), body.slice(0, 200));
    // Not vacuous: the values do reach the steps, as arguments and environment.
    const build = hostile.steps.find((s) => s.name.includes("go build"));
    assert.ok(build?.exec.meta?.args.slice(3).some((a) => a.includes(`main.x=${HOSTILE}`)), "ldflags are a \"$@\" argument");
    assert.ok(build?.exec.meta?.args.some((a) => a.endsWith(`/app${HOSTILE}`)), "the name is a \"$@\" argument");
    assert.ok(build?.exec.meta?.env.includes(`EVIL=${HOSTILE}`), "buildEnv is environment");
    const download = hostile.steps.find((s) => s.name.startsWith("go mod download"));
    assert.ok(download?.exec.meta?.env.includes(`GOPRIVATE=${HOSTILE}`), "build args are environment");
  });
}
