/** The client's secrets and SSH agent reach the module download step only, as optional mounts. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MountType } from "../../src/gen/pb/ops_pb.js";
import { gitSshRewrite } from "../../src/graph/session-mounts.js";
import { namedExecs, recipeDefinitions } from "./recipe.js";

const spec = "# syntax=slimgo:dev\nmain: .\n";
const goMod = "module example.com/app\n\ngo 1.24\n\nrequire git.corp.example/team/lib v1.0.0\n";

test("the download step mounts netrc, ca-certs, known_hosts, goauth and the default SSH agent, all optional; no other step has them", () => {
  const { defs } = recipeDefinitions({ spec, goMod, buildArgs: { GOPRIVATE: "git.corp.example/team/*" } });
  const steps = defs.flatMap(namedExecs);
  const download = steps.find((s) => s.name === "go mod download");
  assert.ok(download);
  const mounts = download.exec.mounts;
  const secrets = mounts.filter((m) => m.mountType === MountType.SECRET).map((m) => [m.dest, m.secretOpt?.ID, m.secretOpt?.optional]);
  assert.deepEqual(secrets, [
    ["/root/.netrc", "netrc", true],
    ["/run/secrets/ca-certs", "ca-certs", true],
    ["/run/secrets/goauth", "goauth", true],
    ["/run/secrets/known_hosts", "known_hosts", true],
  ]);
  const ssh = mounts.filter((m) => m.mountType === MountType.SSH).map((m) => [m.dest, m.SSHOpt?.ID, m.SSHOpt?.optional]);
  assert.deepEqual(ssh, [["/run/buildkit/ssh_agent.0", "default", true]]);
  // What the script makes from a secret goes to a tmpfs, never to a layer.
  assert.ok(mounts.some((m) => m.mountType === MountType.TMPFS && m.dest === "/run/slimgo-private"));
  const env = download.exec.meta?.env ?? [];
  assert.ok(env.includes("GIT_CONFIG_KEY_0=url.ssh://git@git.corp.example/.insteadOf"), env.join("\n"));
  assert.ok(env.includes("GIT_CONFIG_VALUE_0=https://git.corp.example/"));
  assert.ok(env.includes("SLIMGO_SSH_PINNED=0"), "without SLIMGO_GIT_SSH no rewrite outlives a missing agent");
  assert.ok(env.includes("SLIMGO_GOAUTH_SECRET=/run/secrets/goauth"));
  for (const step of steps.filter((s) => s !== download)) {
    assert.ok(!step.exec.mounts.some((m) => m.mountType === MountType.SECRET || m.mountType === MountType.SSH), `${step.name} has a session mount`);
    assert.ok(!(step.exec.meta?.env ?? []).some((e) => e.includes("insteadOf")), `${step.name} has the git rewrite`);
  }
});

test("without GOPRIVATE git is not rewritten", () => {
  const { defs } = recipeDefinitions({ spec, goMod });
  const download = defs.flatMap(namedExecs).find((s) => s.name === "go mod download");
  assert.ok(!(download?.exec.meta?.env ?? []).some((e) => e.startsWith("GIT_CONFIG_")));
});

test("each host gets its own rewrite, numbered from 0, pinned ones counted", () => {
  assert.deepEqual(
    gitSshRewrite([
      { host: "b.example", url: "ssh://git@b.example:2222/repos/", pinned: true },
      { host: "a.example", url: "ssh://git@a.example/" },
    ]),
    [
      ["GIT_CONFIG_COUNT", "2"],
      ["SLIMGO_SSH_PINNED", "1"],
      ["GIT_CONFIG_KEY_0", "url.ssh://git@b.example:2222/repos/.insteadOf"],
      ["GIT_CONFIG_VALUE_0", "https://b.example/"],
      ["GIT_CONFIG_KEY_1", "url.ssh://git@a.example/.insteadOf"],
      ["GIT_CONFIG_VALUE_1", "https://a.example/"],
    ],
  );
  assert.deepEqual(gitSshRewrite([]), []);
});

test("SLIMGO_GIT_SSH gives a host its SSH port and path, and the download step keeps that rewrite without an agent", () => {
  const buildArgs = { GOPRIVATE: "git.corp.example/team/*,other.example", SLIMGO_GIT_SSH: "git.corp.example=ssh://git@git.corp.example:2222/scm" };
  const download = recipeDefinitions({ spec, goMod, buildArgs }).defs.flatMap(namedExecs).find((s) => s.name === "go mod download");
  const env = download?.exec.meta?.env ?? [];
  for (const e of ["GIT_CONFIG_COUNT=2", "SLIMGO_SSH_PINNED=1", "GIT_CONFIG_KEY_0=url.ssh://git@git.corp.example:2222/scm/.insteadOf", "GIT_CONFIG_VALUE_0=https://git.corp.example/", "GIT_CONFIG_KEY_1=url.ssh://git@other.example/.insteadOf"]) {
    assert.ok(env.includes(e), `${e} missing from\n${env.join("\n")}`);
  }
});
