import assert from "node:assert/strict";
import { test } from "node:test";
import { parseGoMod } from "../../src/gomod/index.js";
import { type FrontendOptions, expandPlatformVars, ldflagsVars, makePlan, planTargets, resolveLdflags } from "../../src/plan/index.js";
import { SpecErrors, parseSpec, selectTarget } from "../../src/spec/index.js";

const AMD64 = { os: "linux", architecture: "amd64" };
const options: FrontendOptions = { platforms: [], buildPlatform: AMD64, buildArgs: {}, network: "sandbox", noCache: false };
const GO_MOD = parseGoMod("module example.com/mono\n\ngo 1.24\n");

const plan = (text: string, extra: Partial<FrontendOptions> = {}) => makePlan({ spec: parseSpec(text), goMod: GO_MOD, options: { ...options, ...extra } });

function error(text: string, extra: Partial<FrontendOptions> = {}): string {
  try {
    plan(text, extra);
  } catch (err) {
    assert.ok(err instanceof SpecErrors, String(err));
    return err.message;
  }
  assert.fail("expected SpecErrors");
}

const MONO = `# syntax=slimgo:dev
targets:
  api:
    main: ./cmd/api
  worker:
    main: ./cmd/worker
    cgo: true
    link: static
  all:
    main: ./cmd/api
    include: [worker]
    description: both binaries
`;

test("--target picks the target; the default is the first", () => {
  assert.equal(plan(MONO).target, "api");
  const worker = plan(MONO, { target: "worker" });
  assert.deepEqual([worker.target, worker.main, worker.binaryName, worker.link], ["worker", "./cmd/worker", "worker", "static"]);
  assert.equal(worker.description, "go build ./cmd/worker into worker on static");
});

test("include adds the other target's binary with its own settings", () => {
  const all = plan(MONO, { target: "all" });
  assert.equal(all.binaryName, "api");
  assert.equal(all.description, "both binaries");
  assert.deepEqual(
    all.include?.map((b) => [b.target, b.binaryName, b.cgo, b.link, b.tags]),
    [["worker", "worker", true, "static", ["netgo", "osusergo"]]],
  );
});

test("an included binary must be static and have a name of its own", () => {
  const dynamic = MONO.replace("link: static", "link: dynamic");
  assert.match(error(dynamic, { target: "all" }), /^slimgo\.yaml:11:5: include: worker is a dynamically linked cgo binary; an image can include static binaries only/);
  const clash = "# syntax=slimgo:dev\ntargets:\n  a:\n    main: ./cmd/x\n  b:\n    main: ./other/x\n    include: [a]\n";
  assert.equal(error(clash, { target: "b" }), "slimgo.yaml:7:5: include: two binaries in this image are named x (set name: on target a)");
});

test("--target on a spec without targets must name its one image", () => {
  const text = "# syntax=slimgo:dev\nmain: ./cmd/api\n";
  assert.equal(plan(text, { target: "api" }).binaryName, "api");
  assert.match(error(text, { target: "worker" }), /^slimgo\.yaml:1:1: --target worker: this spec builds one image, api, and has no targets:/);
});

test("ldflags take build args, defaults, and keep platform names for each build step", () => {
  const text = "# syntax=slimgo:dev\nldflags: -X main.v=${VERSION} -X main.c=${COMMIT} -X main.t=${SOURCE_DATE_EPOCH} -X main.p=${TARGETOS}/${TARGETARCH}\n";
  assert.equal(plan(text, { buildArgs: { COMMIT: "abc123" } }).ldflags, "-s -w -X main.v=dev -X main.c=abc123 -X main.t=0 -X main.p=${TARGETOS}/${TARGETARCH}");
  assert.equal(plan(text, { buildArgs: { COMMIT: "x", VERSION: "1.2.3" } }).ldflags.includes("main.v=1.2.3"), true);
  assert.equal(expandPlatformVars("-X p=${TARGETPLATFORM} v=${TARGETVARIANT}", { os: "linux", architecture: "arm", variant: "v7" }), "-X p=linux/arm/v7 v=v7");
  assert.deepEqual(ldflagsVars("${A} ${B} ${A}"), ["A", "B"]);
});

test("${COMMIT} is the context's commit when .git is there, ${DATE} is SOURCE_DATE_EPOCH; build args win", () => {
  const text = "# syntax=slimgo:dev\nldflags: -X main.c=${COMMIT} -X main.d=${DATE}\n";
  const commit = "0123456789abcdef0123456789abcdef01234567";
  const stamped = (o: Partial<FrontendOptions>, hasGit = true) => makePlan({ spec: parseSpec(text), goMod: GO_MOD, hasGit, options: { ...options, ...o } }).ldflags;
  assert.equal(stamped({ vcsCommit: commit }), `-s -w -X main.c=${commit} -X main.d=1970-01-01T00:00:00Z`);
  assert.equal(stamped({ vcsCommit: commit, buildArgs: { SOURCE_DATE_EPOCH: "1700000000" } }), `-s -w -X main.c=${commit} -X main.d=2023-11-14T22:13:20Z`);
  assert.equal(stamped({ vcsCommit: commit, buildArgs: { COMMIT: "v1", DATE: "today" } }), "-s -w -X main.c=v1 -X main.d=today");
  // A commit read while .dockerignore hides .git is not used.
  assert.throws(() => stamped({ vcsCommit: commit }, false), /has no \.git to read the commit from/);
});

test("an ldflags variable no build arg sets fails on the ldflags line", () => {
  assert.equal(
    error("# syntax=slimgo:dev\nmain: .\nldflags: -X main.commit=${COMMIT}\n"),
    "slimgo.yaml:3:1: ldflags: ldflags uses ${COMMIT}, but the build context has no .git to read the commit from (or .dockerignore excludes .git) (build from the repository's root with .git in the context, or pass --build-arg COMMIT=$(git rev-parse HEAD))",
  );
  assert.equal(
    error("# syntax=slimgo:dev\nmain: .\nldflags: -X main.build=${BUILD_ID}\n"),
    "slimgo.yaml:3:1: ldflags: ldflags uses ${BUILD_ID}, which no build arg sets (pass --build-arg BUILD_ID=..., or use one of TARGETOS, TARGETARCH, TARGETVARIANT, TARGETPLATFORM, VERSION, SOURCE_DATE_EPOCH, DATE, COMMIT)",
  );
  assert.deepEqual(resolveLdflags("${1X}", {}), { problem: { message: '"${1X}" is not a variable name', hint: "variables are letters, digits and _, like ${VERSION}" } });
});

test("a target's ldflags error points at the target's line", () => {
  const text = "# syntax=slimgo:dev\ntargets:\n  api:\n    ldflags: -X x=${NOPE}\n";
  assert.match(error(text), /^slimgo\.yaml:4:5: ldflags: ldflags uses \$\{NOPE\}/);
});

test("other targets are narrowed from the spec as written, not from the chosen target", () => {
  const text = "# syntax=slimgo:dev\nmain: ./cmd/default\ntargets:\n  api:\n    main: ./cmd/api\n    include: [plainworker]\n  plainworker:\n    name: worker\n";
  const narrowed = selectTarget(parseSpec(text), "api");
  const { plan: api, targetPlans } = planTargets({ spec: narrowed, goMod: GO_MOD, options: { ...options, target: "api" } });
  assert.deepEqual(api.include?.map((b) => b.main), ["./cmd/default"]);
  assert.deepEqual(targetPlans().map((p) => [p.target, p.main]), [["api", "./cmd/api"], ["plainworker", "./cmd/default"]]);
});
