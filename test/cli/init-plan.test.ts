import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fixturePath } from "../support/fixture.js";
import { cli } from "../support/cli.js";


function tempProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-init-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const MAIN = "package main\n\nfunc main() {}\n";

test("init finds every main package, skips tests, testdata, vendor and nested modules, and writes targets", async () => {
  const dir = tempProject({
    "go.mod": "module example.com/shop\n\ngo 1.24.2\n",
    "cmd/api/main.go": MAIN,
    "cmd/worker/main.go": MAIN,
    "internal/lib/lib.go": "package lib\n",
    "internal/lib/gen.go": `//go:build ignore\n\n${MAIN}`,
    "internal/lib/pse_freebsd_cgo.go": '//go:build freebsd && cgo\n\npackage lib\n\nimport "C"\n',
    "tools/gen/main_test.go": MAIN,
    "testdata/x/main.go": MAIN,
    "vendor/a/main.go": MAIN,
    "nested/go.mod": "module example.com/nested\n",
    "nested/main.go": MAIN,
  });
  try {
    const r = await cli("init", dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wrote .*slimgo\.yaml \(2 targets: \.\/cmd\/api, \.\/cmd\/worker\)/);
    const spec = readFileSync(join(dir, "slimgo.yaml"), "utf8");
    assert.match(spec, /^# syntax=slimgo:dev\n# yaml-language-server: \$schema=.*schema\/slimgo\.schema\.json\n/);
    assert.match(spec, /targets:\n {2}api:\n {4}main: \.\/cmd\/api\n {2}worker:\n {4}main: \.\/cmd\/worker\n$/);
    assert.match(spec, /# Go 1\.24 comes from go\.mod/);
    assert.doesNotMatch(spec, /^cgo: true$/m, "a FreeBSD-only cgo file must not turn cgo on");
    // What init writes is a spec check accepts, for every target.
    const check = await cli("check", dir);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stdout.split("\n").filter(Boolean).length, 2);
    // and it never overwrites a spec unless asked.
    const again = await cli("init", dir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /slimgo\.yaml already exists: edit it, or run slimgo init --force to replace it/);
    assert.equal((await cli("init", "--force", "--syntax", "registry.example/slimgo:1", dir)).code, 0);
    assert.match(readFileSync(join(dir, "slimgo.yaml"), "utf8"), /^# syntax=registry\.example\/slimgo:1\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("init with one main writes main:, and turns cgo on when the module has C code", async () => {
  const dir = tempProject({ "go.mod": "module example.com/tool\n\ngo 1.24\n", "main.go": MAIN, "c.go": 'package main\n\nimport "C"\n' });
  try {
    assert.equal((await cli("init", dir)).code, 0);
    const spec = readFileSync(join(dir, "slimgo.yaml"), "utf8");
    assert.match(spec, /\ncgo: true\n/);
    assert.match(spec, /\nmain: \.\n$/);
    assert.equal((await cli("check", dir)).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("init without go.mod or without a main package says what to do and writes nothing", async () => {
  const empty = tempProject({ "README": "x" });
  const library = tempProject({ "go.mod": "module example.com/lib\n\ngo 1.24\n", "lib.go": "package lib\n" });
  try {
    const a = await cli("init", empty);
    assert.equal(a.code, 1);
    assert.match(a.stderr, /no go\.mod in .*: run "go mod init example\.com\/app" there first/);
    const b = await cli("init", library);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /no main package in .*: slimgo builds a program/);
    assert.equal(existsSync(join(library, "slimgo.yaml")), false);
  } finally {
    rmSync(empty, { recursive: true, force: true });
    rmSync(library, { recursive: true, force: true });
  }
});

test("plan --target, --build-arg and --dot draw the chosen target's graph", async () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-plan-"));
  cpSync(fixturePath("monorepo"), dir, { recursive: true });
  try {
    const plan = await cli("plan", "--target", "worker", "--build-arg", "VERSION=2.0.0", dir);
    assert.equal(plan.code, 0, plan.stderr);
    assert.equal(JSON.parse(plan.stdout).ldflags, "-s -w -X main.version=2.0.0 -X main.platform=${TARGETOS}/${TARGETARCH}");
    const dot = await cli("plan", "--target", "all", "--dot", "--platform", "linux/amd64,linux/arm64", dir);
    assert.equal(dot.code, 0, dot.stderr);
    assert.match(dot.stdout, /^digraph "all" \{/);
    for (const step of ["go mod download", "[worker linux/arm64] go build ./cmd/worker", "[api linux/amd64] go build ./cmd/api", "[all linux/arm64] copy api, worker into the image"]) {
      // Long labels are wrapped with \n escapes.
      assert.ok(dot.stdout.replaceAll("\\n", " ").includes(`label="${step}"`), `no ${step} in\n${dot.stdout}`);
    }
    // The download step is drawn once for both platforms.
    assert.equal(dot.stdout.split('label="go mod download"').length, 2);
    const llb = await cli("plan", "--llb", dir);
    assert.equal(llb.code, 0, llb.stderr);
    assert.ok(Array.isArray(JSON.parse(llb.stdout)));
    const bad = await cli("plan", "--build-arg", "NOEQUALS", dir);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--build-arg NOEQUALS: write NAME=value/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
