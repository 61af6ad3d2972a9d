import assert from "node:assert/strict";
import { test } from "node:test";
import { SpecErrors, allTargets, parseSpec, selectTarget } from "../../src/spec/index.js";

const SPEC = `# syntax=slimgo:dev
ldflags: -X main.version=\${VERSION}
ports: [9000]
targets:
  api:
    main: ./cmd/api
    ports: [8080]
  worker:
    main: ./cmd/worker
  all:
    include: [worker]
`;

function messages(text: string, target?: string): string[] {
  try {
    const parsed = parseSpec(text);
    if (target !== undefined) selectTarget(parsed, target);
  } catch (err) {
    assert.ok(err instanceof SpecErrors, String(err));
    return err.message.split("\n");
  }
  assert.fail("expected SpecErrors");
}

test("targets are read in the order written, each with only its own fields", () => {
  const { targets } = parseSpec(SPEC);
  assert.deepEqual(
    targets.map((t) => [t.name, t.fields, t.nameRange.start.line]),
    [
      ["api", { main: "./cmd/api", ports: ["8080/tcp"] }, 5],
      ["worker", { main: "./cmd/worker" }, 8],
      ["all", { include: ["worker"] }, 10],
    ],
  );
});

test("a target's fields override the top level; the rest is inherited", () => {
  const parsed = parseSpec(SPEC);
  const api = selectTarget(parsed, "api");
  assert.equal(api.target, "api");
  assert.equal(api.spec.main, "./cmd/api");
  assert.deepEqual(api.spec.ports, ["8080/tcp"]);
  assert.equal(api.spec.ldflags, "-X main.version=${VERSION}");
  assert.equal(api.ranges.fields.ports?.start.line, 7);
  assert.equal(api.ranges.fields.ldflags?.start.line, 2);
  const worker = selectTarget(parsed, "worker");
  assert.deepEqual(worker.spec.ports, ["9000/tcp"]);
});

test("without --target the first target is built", () => {
  assert.equal(selectTarget(parseSpec(SPEC), undefined).target, "api");
  assert.deepEqual(allTargets(parseSpec(SPEC)).map((t) => t.target), ["api", "worker", "all"]);
});

test("a spec without targets ignores selection", () => {
  const parsed = parseSpec("# syntax=slimgo:dev\nmain: ./cmd/x\n");
  assert.equal(selectTarget(parsed, undefined), parsed);
});

test("an unknown --target names the targets and the likely one", () => {
  assert.deepEqual(messages(SPEC, "wroker"), ['slimgo.yaml:4:1: targets: --target wroker: no such target (this spec has api, worker, all) (did you mean "worker"?)']);
});

test("shared fields and nested targets are refused inside a target, on their key", () => {
  const text = "# syntax=slimgo:dev\ntargets:\n  api:\n    go: '1.24'\n    builder: golang:1.24\n    targets: {}\n    mian: ./cmd/api\n";
  assert.deepEqual(messages(text), [
    "slimgo.yaml:4:5: targets.api.go: go is shared by every target (set it at the top level)",
    "slimgo.yaml:5:5: targets.api.builder: builder is shared by every target (set it at the top level)",
    'slimgo.yaml:6:5: targets.api: unknown field "targets" (targets cannot be nested; list them all under the top-level targets:)',
    'slimgo.yaml:7:5: targets.api: unknown field "mian" (did you mean "main"?)',
  ]);
});

test("include belongs to a target, names other targets, and not itself", () => {
  assert.deepEqual(messages("# syntax=slimgo:dev\ninclude: [x]\n"), ["slimgo.yaml:2:1: include: include belongs to a target (move it under targets: <name>:)"]);
  const self = "# syntax=slimgo:dev\ntargets:\n  a:\n    include: [a]\n";
  assert.deepEqual(messages(self, "a"), ["slimgo.yaml:4:5: targets.a.include: a includes itself (list the other targets whose binaries the image should hold)"]);
  const typo = "# syntax=slimgo:dev\ntargets:\n  api: {}\n  all:\n    include: [apo]\n";
  assert.deepEqual(messages(typo, "all"), ['slimgo.yaml:5:5: targets.all.include: no target named "apo" (did you mean "api"?)']);
});

test("targets must be a mapping of names to mappings", () => {
  assert.deepEqual(messages("# syntax=slimgo:dev\ntargets: [api]\n"), ["slimgo.yaml:2:10: targets: expected a mapping of target names to fields, got a list (like targets: {api: {main: ./cmd/api}})"]);
  assert.deepEqual(messages("# syntax=slimgo:dev\ntargets:\n  api: ./cmd/api\n"), ['slimgo.yaml:3:8: targets.api: expected the target\'s fields, got "./cmd/api" (like api: {main: ./cmd/api})']);
  assert.deepEqual(messages("# syntax=slimgo:dev\ntargets:\n  my api: {}\n"), ['slimgo.yaml:3:3: targets: "my api" is not a target name (use letters, digits, ".", "_" and "-", like "api")']);
});

test("files entries are checked key by key", () => {
  const text = `# syntax=slimgo:dev
files:
  - {src: ../secret, dest: /x}
  - {src: a, dest: relative}
  - {src: a, dest: /a, mode: rwx}
  - {src: a, dest: /a, owner: nonroot}
  - {src: a}
  - {src: a, dest: /a, chmod: "0644"}
  - config/
`;
  assert.deepEqual(messages(text), [
    'slimgo.yaml:3:11: files[0].src: "../secret" leaves the build context (only files inside the context can be copied)',
    'slimgo.yaml:4:20: files[1].dest: "relative" is not an absolute path (like "/etc/app/")',
    'slimgo.yaml:5:30: files[2].mode: "rwx" is not a file mode (write it in octal, like "0644")',
    'slimgo.yaml:6:31: files[3].owner: "nonroot" is not a numeric owner (like "65532:65532"; names cannot be looked up in a scratch image)',
    "slimgo.yaml:7:5: files[4]: needs dest (like {src: config/app.yaml, dest: /etc/app/app.yaml})",
    'slimgo.yaml:8:24: files[5]: unknown key "chmod" (a files entry has src, dest, mode and owner)',
    'slimgo.yaml:9:5: files[6]: expected {src, dest}, got "config/" (like {src: config/app.yaml, dest: /etc/app/app.yaml})',
  ]);
});
