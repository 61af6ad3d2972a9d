import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FIELD_NAMES } from "../../src/spec/index.js";
import { fixturePath } from "../support/fixture.js";
import { cli } from "../support/cli.js";
import { gitRepoIn } from "../vcs/git-repo.js";


async function withSpec(spec: string, fn: (dir: string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-cli-"));
  try {
    writeFileSync(join(dir, "go.mod"), "module example.com/app\n\ngo 1.24\n");
    writeFileSync(join(dir, "slimgo.yaml"), spec);
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("check accepts a good spec and says what it will build", async () => {
  const r = await cli("check", "-f", "../../../../examples/hello/slimgo.yaml", fixturePath("plain"));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "../../../../examples/hello/slimgo.yaml: ok (builds . as hello with golang:1.24-bookworm)\n");
});

test("check prints the frontend's slimgo.yaml:LINE:COL messages and exits 1", async () => {
  await withSpec("# syntax=slimgo:dev\nmian: ./cmd/x\ncgo: yes\n", async (dir) => {
    const r = await cli("check", dir);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'slimgo.yaml:2:1: unknown field "mian" (did you mean "main"?)\nslimgo.yaml:3:6: cgo: expected true or false, got "yes"\n');
  });
});

test("plan prints the plan as JSON", async () => {
  await withSpec("cgo: true\nlink: static\n", async (dir) => {
    const r = await cli("plan", dir);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout);
    assert.equal(plan.link, "static");
    assert.equal(plan.binaryName, "app");
    assert.deepEqual(plan.targetPlatforms, [{ os: "linux", architecture: "amd64" }]);
  });
});

test("schema covers every field and rejects unknown ones", async () => {
  const schema = JSON.parse((await cli("schema")).stdout);
  assert.deepEqual(Object.keys(schema.properties), [...FIELD_NAMES.filter((n) => n !== "include"), "targets"]);
  const target = schema.properties.targets.additionalProperties;
  assert.equal(target.additionalProperties, false);
  assert.ok("include" in target.properties && !("go" in target.properties) && !("builder" in target.properties));
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(schema.properties.link.enum, ["static", "dynamic"]);
});

test("usage errors exit 2 with the usage text", async () => {
  const r = await cli("frobnicate");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^slimgo: unknown command "frobnicate"\n\nusage: slimgo <command>/);
  assert.equal((await cli("verify")).code, 2);
  assert.equal((await cli("--help")).code, 0);
});

test("verify on something that is not ELF says so and exits 1", async () => {
  await withSpec("", async (dir) => {
    const r = await cli("verify", join(dir, "go.mod"));
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "not an ELF file: first bytes are 6d 6f 64 75\n");
  });
});

test("plan dates the build by HEAD's committer time, as the frontend does; a SOURCE_DATE_EPOCH build arg wins", async () => {
  await withSpec("ldflags: -X main.date=${DATE}\n", async (dir) => {
    const plan = async (...args: string[]) => {
      const r = await cli("plan", ...args, dir);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    assert.equal((await plan()).sourceDateEpoch, undefined, "no .git, no date");
    const { git, commit } = gitRepoIn(dir);
    commit("first", 1712345678);
    git("gc", "-q", "--prune=now");
    const packed = await plan();
    assert.equal(packed.sourceDateEpoch, 1712345678);
    assert.equal(packed.ldflags, "-s -w -X main.date=2024-04-05T19:34:38Z");
    const overridden = await plan("--build-arg", "SOURCE_DATE_EPOCH=1700000000");
    assert.equal(overridden.sourceDateEpoch, 1700000000);
    assert.equal(overridden.ldflags, "-s -w -X main.date=2023-11-14T22:13:20Z");
    assert.equal((await plan("--build-arg", "SOURCE_DATE_EPOCH=")).sourceDateEpoch, undefined, "an empty build arg turns the commit time off");
    writeFileSync(join(dir, ".git/HEAD"), "x".repeat((1 << 20) + 1));
    assert.equal((await plan()).sourceDateEpoch, undefined, "a HEAD past its size limit: no date, and no failure");
  });
});

test("plan stamps ${COMMIT} from the project's .git like the frontend: loose ref, packed ref, detached HEAD", async () => {
  const commit = "0123456789abcdef0123456789abcdef01234567";
  await withSpec("ldflags: -X main.commit=${COMMIT}\n", async (dir) => {
    const ldflags = async () => {
      const r = await cli("plan", dir);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout).ldflags;
    };
    assert.equal((await cli("plan", dir)).code, 1, "without .git, ${COMMIT} has no value");
    mkdirSync(join(dir, ".git/refs/heads"), { recursive: true });
    writeFileSync(join(dir, ".git/HEAD"), "ref: refs/heads/main\n");
    writeFileSync(join(dir, ".git/packed-refs"), `${commit} refs/heads/main\n`);
    assert.equal((await ldflags()), `-s -w -X main.commit=${commit}`);
    writeFileSync(join(dir, ".git/refs/heads/main"), `${"f".repeat(40)}\n`);
    assert.equal((await ldflags()), `-s -w -X main.commit=${"f".repeat(40)}`);
    writeFileSync(join(dir, ".git/HEAD"), `${"e".repeat(40)}\n`);
    assert.equal((await ldflags()), `-s -w -X main.commit=${"e".repeat(40)}`);
  });
});
