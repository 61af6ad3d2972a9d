/** SLIMGO_GIT_SSH: where git reaches a GOPRIVATE host over SSH, checked before any build. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { gitSshHosts } from "../../src/plan/git-ssh.js";
import { parseGoMod } from "../../src/gomod/index.js";
import { makePlan } from "../../src/plan/index.js";
import { parseSpec } from "../../src/spec/index.js";

test("without the build arg each GOPRIVATE host is ssh://git@HOST/, unpinned", () => {
  assert.deepEqual(gitSshHosts(["a.example", "b.example"], undefined), [
    { host: "a.example", url: "ssh://git@a.example/" },
    { host: "b.example", url: "ssh://git@b.example/" },
  ]);
});

test("a named host gets its URL with a trailing slash, pinned and first", () => {
  assert.deepEqual(gitSshHosts(["a.example", "b.example"], " B.example=ssh://git@ssh.b.example:7999/scm , "), [
    { host: "b.example", url: "ssh://git@ssh.b.example:7999/scm/", pinned: true },
    { host: "a.example", url: "ssh://git@a.example/" },
  ]);
});

test("a malformed entry or a URL that could break git's config is refused with the form to use", () => {
  for (const arg of ["b.example", "b.example=https://b.example/", "b.example=ssh://b.example/", "b.example=ssh://git@b.example/a b", 'b.example=ssh://git@b.example/"x', "=ssh://git@b.example/"]) {
    const res = gitSshHosts(["b.example"], arg);
    assert.ok(!Array.isArray(res), arg);
    assert.match(res.message, /each entry is HOST=ssh:\/\/USER@SSHHOST\[:PORT\]\[\/PATH\/\]/);
  }
});

test("a host GOPRIVATE does not name is refused: go would fetch it through the proxy, never from git", () => {
  const res = gitSshHosts(["a.example"], "c.example=ssh://git@c.example:22/");
  assert.ok(!Array.isArray(res));
  assert.match(res.message, /c\.example is not a host at the head of a GOPRIVATE pattern/);
  assert.match(res.hint ?? "", /add c\.example to --build-arg GOPRIVATE/);
});

test("makePlan fails on the build arg with a one-line error", () => {
  assert.throws(
    () =>
      makePlan({
        spec: parseSpec("# syntax=slimgo:dev\nmain: .\n"),
        goMod: parseGoMod("module example.com/app\n\ngo 1.24\n"),
        options: { platforms: [], buildPlatform: { os: "linux", architecture: "amd64" }, buildArgs: { GOPRIVATE: "a.example", SLIMGO_GIT_SSH: "a.example=git@a.example:x" }, network: "sandbox", noCache: false },
      }),
    /SLIMGO_GIT_SSH=.*each entry is HOST=ssh:/,
  );
});
