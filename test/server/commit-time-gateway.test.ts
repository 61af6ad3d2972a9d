/**
 * The commit time through BuildKit's gateway: the frontend process reads a
 * real repository's packed objects by ranged ReadFile, and dates the image
 * with it unless a SOURCE_DATE_EPOCH build arg is given.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { FakeStatus } from "../support/fake-gateway.js";
import { type Overrides, recordLdflags, buildTestBinaries, runFrontend } from "../support/frontend-process.js";
import { gitRepo } from "../vcs/git-repo.js";

const FIXTURE = resolve("test/fixtures/projects/plain");
const repo = gitRepo();
const TIME = 1712345678;

before(async () => {
  await buildTestBinaries();
  for (let i = 0; i < 5; i++) repo.commit(`change ${i}\n\n${"Alike text so that git deltifies. ".repeat(60)}`, TIME - 4 + i);
  repo.git("gc", "-q", "--aggressive", "--prune=now");
});
after(() => rmSync(repo.dir, { recursive: true, force: true }));

/** The context's .git served from the repository on disk; `reads` records every .git path read and its ranges. */
function gitOverrides(withGit: boolean, reads: string[], ldflags: string[]): Overrides {
  return {
    readDir: (req, next, kind) => {
      if (kind(req.Ref) === "context" && req.DirPath === "/") return { entries: ["go.mod", "go.sum", ...(withGit ? [".git"] : [])].map((path) => ({ path })) };
      if (req.DirPath.startsWith(".git/")) return { entries: readdirSync(join(repo.dir, req.DirPath)).map((path) => ({ path, size: BigInt(statSync(join(repo.dir, req.DirPath, path)).size) })) };
      return next(req);
    },
    readFile: (req, next) => {
      if (!req.FilePath.startsWith(".git/")) return next(req);
      reads.push(`${req.FilePath}@${req.Range?.Offset ?? "-"}+${req.Range?.Length ?? "-"}`);
      let data: Buffer;
      try {
        data = readFileSync(join(repo.dir, req.FilePath));
      } catch {
        throw new FakeStatus(2, `open ${req.FilePath}: no such file or directory`);
      }
      const start = Number(req.Range?.Offset ?? 0n);
      return { Data: data.subarray(start, req.Range ? start + Number(req.Range.Length) : data.length) };
    },
    solve: recordLdflags(ldflags),
  };
}

const spec = "# syntax=slimgo:dev\nmain: ./cmd/plain\nldflags: -X main.date=${DATE} -X main.epoch=${SOURCE_DATE_EPOCH}\n";
const epochOf = (metadata: Record<string, Uint8Array> | undefined) => {
  const v = metadata?.["source.date.epoch"];
  return v === undefined ? undefined : new TextDecoder().decode(v);
};

test("with .git in the context, the image is dated by HEAD's committer time, read from the pack by ranges", async () => {
  const reads: string[] = [];
  const ldflags: string[] = [];
  const out = await runFrontend({ spec, goMod: readFileSync(`${FIXTURE}/go.mod`, "utf8") }, { overrides: gitOverrides(true, reads, ldflags) });
  assert.equal(out.returned.error, undefined, out.returned.error?.message);
  assert.equal(epochOf(out.returned.result?.metadata), String(TIME));
  assert.ok(ldflags.length > 0 && ldflags.every((l) => l.includes(`-X main.date=2024-04-05T19:34:38Z -X main.epoch=${TIME}`)), ldflags.join("\n"));
  // The pack was read in pieces, never whole.
  const packReads = reads.filter((r) => r.includes(".pack@"));
  assert.ok(packReads.length > 0, reads.join("\n"));
  assert.ok(packReads.every((r) => !r.endsWith("+-")), "every pack read is ranged");
});

test("a SOURCE_DATE_EPOCH build arg wins over the commit time, and .git's objects are not read", async () => {
  const reads: string[] = [];
  const ldflags: string[] = [];
  const opts = { "build-arg:SOURCE_DATE_EPOCH": "1700000000" };
  const out = await runFrontend({ spec, goMod: readFileSync(`${FIXTURE}/go.mod`, "utf8"), opts }, { overrides: gitOverrides(true, reads, ldflags) });
  assert.equal(out.returned.error, undefined, out.returned.error?.message);
  assert.equal(epochOf(out.returned.result?.metadata), "1700000000");
  assert.ok(ldflags.every((l) => l.includes("-X main.date=2023-11-14T22:13:20Z -X main.epoch=1700000000")), ldflags.join("\n"));
  assert.deepEqual(reads.filter((r) => r.includes("/objects/")), []);
});

test("without .git in the context nothing under .git is read and the image has no fixed date", async () => {
  const reads: string[] = [];
  const ldflags: string[] = [];
  const out = await runFrontend({ spec, goMod: readFileSync(`${FIXTURE}/go.mod`, "utf8") }, { overrides: gitOverrides(false, reads, ldflags) });
  assert.equal(out.returned.error, undefined, out.returned.error?.message);
  assert.equal(epochOf(out.returned.result?.metadata), undefined);
  assert.deepEqual(reads, []);
  assert.ok(ldflags.every((l) => l.includes("-X main.date=1970-01-01T00:00:00Z -X main.epoch=0")), ldflags.join("\n"));
});
