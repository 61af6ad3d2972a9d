/** Secret and SSH mounts: the Mount fields and caps BuildKit's Go client writes for them. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import { MountType, OpSchema } from "../../src/gen/pb/ops_pb.js";
import { LlbError, image, marshal } from "../../src/llb/index.js";

const platform = { os: "linux", architecture: "amd64" };

test("a secret and an SSH mount carry their ids, default modes and caps", () => {
  const def = marshal(
    image("docker.io/library/alpine:3").run({
      args: ["true"],
      mounts: [
        { dest: "/run/secrets/tok", secret: { id: "tok" } },
        { dest: "/run/ssh", ssh: { id: "default", optional: true, uid: 1000 } },
      ],
    }).root(),
    { platform },
  );
  const exec = def.def.map((b) => fromBinary(OpSchema, b)).find((op) => op.op.case === "exec");
  assert.ok(exec !== undefined && exec.op.case === "exec");
  const mounts = exec.op.value.mounts;
  const secret = mounts.find((m) => m.dest === "/run/secrets/tok")!;
  assert.equal(secret.mountType, MountType.SECRET);
  assert.deepEqual({ id: secret.secretOpt?.ID, mode: secret.secretOpt?.mode, output: secret.output, input: secret.input }, { id: "tok", mode: 0o400, output: -1n, input: -1n });
  const ssh = mounts.find((m) => m.dest === "/run/ssh")!;
  assert.equal(ssh.mountType, MountType.SSH);
  assert.deepEqual({ id: ssh.SSHOpt?.ID, mode: ssh.SSHOpt?.mode, uid: ssh.SSHOpt?.uid, optional: ssh.SSHOpt?.optional }, { id: "default", mode: 0o600, uid: 1000, optional: true });
  const caps = Object.values(def.metadata).flatMap((m) => Object.keys(m.caps));
  assert.ok(caps.includes("exec.mount.secret") && caps.includes("exec.mount.ssh"), caps.join(" "));
});

test("a secret mount cannot also be a bind or have an empty id", () => {
  const base = image("docker.io/library/alpine:3");
  assert.throws(() => base.run({ args: ["true"], mounts: [{ dest: "/s", secret: { id: "" } }] }), LlbError);
  assert.throws(() => base.run({ args: ["true"], mounts: [{ dest: "/s", source: base, secret: { id: "x" } }] }), /cannot also be a bind/);
});
