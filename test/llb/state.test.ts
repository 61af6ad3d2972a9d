import assert from "node:assert/strict";
import { test } from "node:test";
import { image, local, marshal, mkdir, scratch, State } from "../../src/llb/index.js";
import { amd64, execs, files } from "./helpers.js";

test("state methods return new states and leave the receiver unchanged", () => {
  const a = image("alpine:3.20");
  const b = a.dir("/src").addEnv("K", "v").user("nobody").network("host").platform({ os: "linux", architecture: "arm64" });
  assert.notEqual(a, b);
  assert.equal(a.getDir(), "/");
  assert.deepEqual(a.env(), []);
  assert.equal(a.getUser(), "");
  assert.equal(a.getNetwork(), "sandbox");
  assert.equal(a.getPlatform(), undefined);
  assert.equal(b.getDir(), "/src");
  assert.deepEqual(b.env(), [["K", "v"]]);
  assert.equal(b.getUser(), "nobody");
  assert.equal(b.getNetwork(), "host");
  assert.deepEqual(b.getPlatform(), { os: "linux", architecture: "arm64" });
  assert.equal(a.output(), b.output(), "settings do not change the output");
});

test("states are frozen and env() hands out copies", () => {
  const s = scratch().addEnv("A", "1");
  assert.ok(Object.isFrozen(s));
  assert.ok(Object.isFrozen(s.env()));
  assert.throws(() => (s.env() as Array<[string, string]>).push(["B", "2"]), TypeError);
  const pair = s.env()[0];
  assert.ok(pair);
  pair[1] = "changed";
  assert.deepEqual(s.env(), [["A", "1"]]);
  const e = s.run({ args: ["true"] });
  assert.ok(Object.isFrozen(e));
  assert.ok(e instanceof State);
});

test("relative dirs join the current dir the way Go's path.Join does; absolute ones are kept verbatim", () => {
  const cases: Array<[string[], string]> = [
    [["/a", "b"], "/a/b"],
    [["/a", "b/../c"], "/a/c"],
    [["/a", "../../.."], "/"],
    [["/a", "./"], "/a"],
    [["/x/"], "/x/"],
    [["/x/./y"], "/x/./y"],
    [["sub"], "/sub"],
    [["/a/b", "/c", "d"], "/c/d"],
  ];
  for (const [dirs, want] of cases) {
    const got = dirs.reduce((s, d) => s.dir(d), scratch()).getDir();
    assert.equal(got, want, `dir(${dirs.join(") .dir(")})`);
  }
});

test("addEnv replaces a key and moves it last, as Go's EnvList orders them", () => {
  const s = scratch().addEnv("A", "1").addEnv("B", "2").addEnv("A", "3").addEnv("C", "");
  assert.deepEqual(s.env(), [
    ["B", "2"],
    ["A", "3"],
    ["C", ""],
  ]);
});

test("run options apply to the exec only; the exec state keeps the state's settings", () => {
  const base = image("alpine:3.20", { platform: amd64 }).dir("/w").addEnv("A", "1").user("u");
  const e = base.run({ args: ["x"], env: [["B", "2"]], dir: "sub", user: "root", network: "none" });
  assert.equal(e.getDir(), "/w");
  assert.deepEqual(e.env(), [["A", "1"]]);
  assert.equal(e.getUser(), "u");
  assert.equal(e.getNetwork(), "sandbox");
  assert.deepEqual(e.root().env(), e.env());
  const [exec] = execs(marshal(e.root()));
  assert.deepEqual(exec?.meta?.env, ["A=1", "B=2"]);
  assert.equal(exec?.meta?.cwd, "/w/sub");
  assert.equal(exec?.meta?.user, "root");
  assert.equal(exec?.network, 2);
});

test("getMount gives a fresh state: dir /, no env, the mount's output", () => {
  const e = image("alpine:3.20", { platform: amd64 })
    .dir("/w")
    .addEnv("A", "1")
    .run({ args: ["x"], mounts: [{ dest: "/out" }, { dest: "/ro", source: image("busybox"), readonly: true }] });
  const out = e.getMount("/out");
  assert.equal(out.getDir(), "/");
  assert.deepEqual(out.env(), []);
  assert.equal(out.output()?.index, 1);
  assert.equal(e.output()?.index, 0);
  assert.equal(out.output()?.vertex, e.output()?.vertex);
  assert.equal(e.getMount("/ro").output()?.vertex.kind, "source", "a read-only mount hands back its source");
});

test("file() keeps the state's settings and points at the file op", () => {
  const s = local("ctx", { sessionId: "s" }).dir("/app").addEnv("A", "1");
  const f = s.file(mkdir("x", 0o755));
  assert.equal(f.getDir(), "/app");
  assert.deepEqual(f.env(), [["A", "1"]]);
  assert.equal(f.output()?.vertex.kind, "file");
  const [fileOp] = files(marshal(f));
  const action = fileOp?.actions[0]?.action;
  assert.equal(action?.case, "mkdir");
  assert.equal(action?.value.path, "/app/x");
});

test("scratch has no output and marshals to an empty definition", () => {
  assert.equal(scratch().output(), undefined);
  const def = marshal(scratch());
  assert.equal(def.def.length, 0);
  assert.deepEqual(def.metadata, {});
  assert.equal(def.Source, undefined);
});
