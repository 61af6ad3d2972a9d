/** Replace targets and go.work uses that would leave the context or land on the Go steps' own paths. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { GoModError, parseGoMod, parseGoWork } from "../../src/gomod/index.js";
import { type FrontendOptions, externalReplaces, makePlan, reservedPathAt, useDir, workspaceModuleFiles } from "../../src/plan/index.js";
import { parseSpec } from "../../src/spec/index.js";
import { cpuNow } from "../support/bounded.js";

const options: FrontendOptions = { platforms: [], buildPlatform: { os: "linux", architecture: "amd64" }, buildArgs: {}, network: "sandbox", noCache: false };
const goModWith = (replace: string) => parseGoMod(`module example.com/svc\ngo 1.24\n\nreplace example.com/x => ${replace}\n`);

function assertGoModError(fn: () => unknown, line: number, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof GoModError, `not a GoModError: ${String(err)}`);
    assert.equal(err.line, line);
    assert.match(err.message, pattern);
    assert.ok(!err.message.includes("\n"), "one line");
    return true;
  });
}

const collisions: Array<[string, string]> = [
  ["../../../../usr/local/go", "/usr/local/go"],
  ["../go/pkg/mod", "/go/pkg/mod"],
  ["../out", "/out"],
  ["../root/.cache/go-build", "/root/.cache/go-build"],
  ["../etc", "/etc"],
  ["../../lib", "/lib"],
  ["../tmp", "/tmp"],
  ["../var/cache/slimgo/gomod", "/var/cache/slimgo/gomod"],
  ["../slimgo-gosum", "/slimgo-gosum"],
  ["../src", "/src"],
  ["../src/inner", "/src/inner"],
  ["..", "/"],
];
for (const [target, mountPath] of collisions) {
  test(`replace => ${target} is refused: it would be mounted at ${mountPath}`, () => {
    // Even with the named context the error message suggests: the collision is the problem, not the context.
    const name = mountPath === "/" ? "" : mountPath.slice(mountPath.lastIndexOf("/") + 1);
    assertGoModError(
      () => externalReplaces(goModWith(target), new Set([name])),
      4,
      new RegExp(`^go\\.mod:4:1: replace example\\.com/x => ${target.replace(/\./g, "\\.")} resolves to ${mountPath} in the build, .*build from a directory that holds both modules`),
    );
  });
}

test("a sibling directory outside the context still comes in as a named context", () => {
  assert.deepEqual(externalReplaces(goModWith("../greet"), new Set(["greet"])), [{ context: "greet", mountPath: "/greet" }]);
  assert.deepEqual(externalReplaces(goModWith("../../shared/libs/auth"), new Set(["auth"])), [{ context: "auth", mountPath: "/shared/libs/auth" }]);
  assert.equal(reservedPathAt("/greet"), undefined);
  assert.equal(reservedPathAt("/home/me/lib"), undefined);
  assert.equal(reservedPathAt("/usr/local/go"), "/usr");
});

test("replaces outside the context are not include patterns of the context", () => {
  const goMod = parseGoMod("module example.com/svc\ngo 1.24\n\nreplace (\n\texample.com/a => ./libs/a\n\texample.com/b => ../b\n)\n");
  const plan = makePlan({ spec: parseSpec("main: .\n"), goMod, options: { ...options, namedContexts: ["b"] } });
  assert.deepEqual(plan.localReplaces, ["libs/a"]);
  assert.deepEqual(plan.externalReplaces, [{ context: "b", mountPath: "/b" }]);
});

test("a go.work use outside the context fails on its go.work line, before anything reads it", () => {
  const goWork = parseGoWork("go 1.24\n\nuse (\n\t./api\n\t../outside\n)\n");
  assert.equal(useDir(goWork.use[0]!), "api");
  assertGoModError(() => useDir(goWork.use[1]!), 5, /^go\.work:5:1: use \.\.\/outside points outside the build context.*build from a directory that holds go\.work/);
  const rooted = parseGoWork("go 1.24\n\nuse /etc\n");
  assertGoModError(() => useDir(rooted.use[0]!), 3, /^go\.work:3:1: use \/etc points outside the build context/);
});

test("a workspace whose use leaves the context gets no include pattern outside it", () => {
  const goWork = parseGoWork("go 1.24\n\nuse ./api\nuse ./api/../../outside\n");
  const ws = { goWork, modules: [{ dir: "api", goMod: parseGoMod("module example.com/api\ngo 1.24\n") }, { dir: "../outside", goMod: parseGoMod("module example.com/o\ngo 1.24\n") }] };
  assertGoModError(() => workspaceModuleFiles(ws), 4, /^go\.work:4:1: use \.\/api\/\.\.\/\.\.\/outside points outside the build context/);
});

test("50,000 replaces plan in linear time", () => {
  const n = 50_000;
  const lines = ["module example.com/big", "go 1.24", "", "replace ("];
  for (let i = 0; i < n; i++) lines.push(`\texample.com/m${i} => ./libs/m${i}`, `\texample.com/x${i} => ../ext/x${i}`);
  lines.push(")");
  const goMod = parseGoMod(lines.join("\n"));
  const named = Array.from({ length: n }, (_, i) => `x${i}`);
  const started = cpuNow();
  const plan = makePlan({ spec: parseSpec("main: .\n"), goMod, options: { ...options, namedContexts: named } });
  const ms = cpuNow() - started;
  assert.equal(plan.localReplaces?.length, n);
  assert.equal(plan.externalReplaces?.length, n);
  // With lookups in arrays this took 100 s; with maps and sets, about 0.15 s.
  assert.ok(ms < 2000, `planning 2×${n} replaces took ${Math.round(ms)} ms`);
});

test("50,000 workspace replaces plan in linear time", () => {
  const n = 50_000;
  const work = ["go 1.24", "", "use .", "", "replace ("];
  for (let i = 0; i < n; i++) work.push(`\texample.com/m${i} => ./libs/m${i}`);
  work.push(")");
  const ws = { goWork: parseGoWork(work.join("\n")), modules: [{ dir: ".", goMod: parseGoMod("module example.com/root\ngo 1.24\n") }] };
  const started = cpuNow();
  const files = workspaceModuleFiles(ws);
  const ms = cpuNow() - started;
  assert.equal(files.length, 2 + 2 * (n + 1));
  assert.ok(ms < 2000, `listing ${n} workspace replaces took ${Math.round(ms)} ms`);
});
