import assert from "node:assert/strict";
import { test } from "node:test";
import { copy, image, LlbError, local, marshal, mkdir, mkfile, scratch } from "../../src/llb/index.js";

function throwsLlb(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof LlbError, String(err));
    assert.match(err.message, message);
    return true;
  });
}

test("image('') names the problem", () => {
  throwsLlb(() => image(""), /^image reference is empty$/);
});

test("exec misuse is caught at the call", () => {
  const base = image("alpine:3.20");
  throwsLlb(() => base.run({ args: [] }), /^run: args are required$/);
  throwsLlb(() => base.run({ args: ["x"], mounts: [{ dest: "/a" }, { dest: "/a" }] }), /two mounts at \/a/);
  throwsLlb(() => base.run({ args: ["x"], mounts: [{ dest: "/" }] }), /two mounts at \//);
  throwsLlb(() => base.run({ args: ["x"], mounts: [{ dest: "/t", source: base, tmpfs: {} }] }), /mount \/t: a tmpfs mount cannot have a source/);
  throwsLlb(
    () => base.run({ args: ["x"], mounts: [{ dest: "/t", tmpfs: {}, cache: { id: "c", sharing: "shared" } }] }),
    /choose cache or tmpfs/,
  );
  throwsLlb(() => base.run({ args: ["x"], mounts: [{ dest: "/t", tmpfs: { size: -1 } }] }), /tmpfs size/);
  throwsLlb(() => base.network("bridge" as "host"), /unknown mode "bridge"/);
});

test("getMount refuses mounts without an output", () => {
  const e = image("alpine:3.20").run({
    args: ["x"],
    mounts: [
      { dest: "/tmp", tmpfs: {} },
      { dest: "/cache", cache: { id: "c", sharing: "shared" } },
    ],
  });
  throwsLlb(() => e.getMount("/tmp"), /^getMount: tmpfs mount \/tmp has no output$/);
  throwsLlb(() => e.getMount("/cache"), /^getMount: cache mount \/cache has no output$/);
  throwsLlb(() => e.getMount("/nope"), /^getMount: no mount at \/nope$/);
});

test("marshal needs a platform for images and execs, never takes the host's", () => {
  throwsLlb(() => marshal(image("alpine:3.20")), /docker-image:\/\/docker\.io\/library\/alpine:3\.20: no platform/);
  throwsLlb(() => marshal(scratch().run({ args: ["/bin/true"] }).root()), /run "\/bin\/true": no platform/);
  assert.equal(marshal(local("ctx", { sessionId: "s" })).def.length, 2, "local sources need none");
  assert.equal(marshal(scratch().file(mkdir("/x", 0o755))).def.length, 2, "file ops need none");
});

test("file actions validate their arguments", () => {
  throwsLlb(() => mkdir("", 0o755), /^mkdir: path is empty$/);
  throwsLlb(() => mkfile("/f", 1.5, "x"), /^mkfile \/f: invalid mode 1\.5$/);
  throwsLlb(() => copy(scratch(), "a", "b", { owner: { user: -1, group: 0 } }), /^copy b: invalid owner id -1$/);
  throwsLlb(() => local(""), /^local source name is empty$/);
});
