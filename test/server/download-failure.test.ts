/** A download that failed for want of credentials or a CA names the private module, says it is private and gives the flag. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseGoMod } from "../../src/gomod/index.js";
import { makePlan } from "../../src/plan/index.js";
import { DOWNLOAD_EXIT, downloadFailure } from "../../src/server/download-failure.js";
import { UserError } from "../../src/server/errors.js";
import { parseSpec } from "../../src/spec/index.js";
import { DOWNLOAD_SH } from "../../src/gen/shell.js";

const goMod = "module example.com/app\n\ngo 1.24\n\nrequire (\n\tgithub.com/google/uuid v1.6.0\n\tgit.corp.example/team/lib v1.0.0\n\tgit.corp.example/team/other v1.0.0\n)\n";

function plan(buildArgs: Record<string, string>, spec = "# syntax=slimgo:dev\nmain: .\n") {
  return makePlan({
    spec: parseSpec(spec),
    goMod: parseGoMod(goMod),
    options: { platforms: [], buildPlatform: { os: "linux", architecture: "amd64" }, buildArgs, network: "sandbox", noCache: false },
  });
}

test("credentials: the first private module, on its require line, with the netrc and ssh flags", () => {
  const err = downloadFailure(plan({ GOPRIVATE: "git.corp.example/team" }), DOWNLOAD_EXIT.credentials);
  assert.ok(err instanceof UserError);
  assert.deepEqual(err.where, { file: "goMod", line: 7, col: 1 });
  assert.match(err.message, /^go mod download: git\.corp\.example\/team\/lib \(and 1 more private module\) is private \(GOPRIVATE=git\.corp\.example\/team\) and its server asked for credentials: pass --secret id=netrc,src=\$HOME\/\.netrc .* or --ssh default/);
  assert.ok(!err.message.includes("\n"));
});

test("an unknown authority names the ca-certs secret", () => {
  const err = downloadFailure(plan({ GOPRIVATE: "git.corp.example" }), DOWNLOAD_EXIT.unknownAuthority);
  assert.match(err?.message ?? "", /signed by an unknown authority: pass your CA with --secret id=ca-certs,src=corp\.pem/);
});

test("without GOPRIVATE the advice points at the download's spec line and says to set it", () => {
  const err = downloadFailure(plan({}, "# syntax=slimgo:dev\nmain: .\ngo: \"1.24\"\n"), DOWNLOAD_EXIT.credentials);
  assert.deepEqual(err?.where, { file: "spec", line: 3, col: 1 });
  assert.match(err?.message ?? "", /a module server asked for credentials .*--build-arg GOPRIVATE=/);
});

test("an SSH server that refused every key names --ssh default; an unknown host key names the known_hosts secret", () => {
  const refused = downloadFailure(plan({ GOPRIVATE: "git.corp.example/team" }), DOWNLOAD_EXIT.sshKeyRefused);
  assert.deepEqual(refused?.where, { file: "goMod", line: 7, col: 1 });
  assert.match(refused?.message ?? "", /git\.corp\.example\/team\/lib \(and 1 more private module\) is private .* refused SSH login .*: pass --ssh default with an ssh-agent/);
  const hostKey = downloadFailure(plan({ GOPRIVATE: "git.corp.example/team" }), DOWNLOAD_EXIT.sshHostKey);
  assert.match(hostKey?.message ?? "", /SSH host key is not in the known_hosts secret: pass --secret id=known_hosts,src=/);
  for (const err of [refused, hostKey]) assert.ok(!err?.message.includes("\n"));
});

test("credentials name the goauth secret for header-based servers", () => {
  assert.match(downloadFailure(plan({ GOPRIVATE: "git.corp.example" }), DOWNLOAD_EXIT.credentials)?.message ?? "", /--secret id=goauth,src=FILE \(HTTP headers/);
});

test("any other exit code keeps the generic download error", () => {
  assert.equal(downloadFailure(plan({ GOPRIVATE: "git.corp.example" }), 1), undefined);
});

test("the download script exits with the codes the frontend reads", () => {
  for (const code of Object.values(DOWNLOAD_EXIT)) assert.match(DOWNLOAD_SH, new RegExp(`exit ${code};`));
});
