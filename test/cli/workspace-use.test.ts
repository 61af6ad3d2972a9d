/** `slimgo check` applies the frontend's leaves-the-context rule to go.work before reading anything from disk. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { cli } from "../support/cli.js";

test("check refuses a go.work use outside the project, on its go.work line, even when that directory exists", async () => {
  const root = mkdtempSync(join(tmpdir(), "slimgo-cli-use-"));
  try {
    const project = join(root, "project");
    mkdirSync(join(project, "api"), { recursive: true });
    mkdirSync(join(root, "outside"));
    writeFileSync(join(root, "outside", "go.mod"), "module example.com/outside\n\ngo 1.24\n");
    writeFileSync(join(project, "api", "go.mod"), "module example.com/api\n\ngo 1.24\n");
    writeFileSync(join(project, "go.work"), "go 1.24\n\nuse (\n\t./api\n\t../outside\n)\n");
    writeFileSync(join(project, "slimgo.yaml"), "main: ./api\n");
    const { code, stdout, stderr } = await cli("check", project);
    assert.equal(code, 1, stdout);
    assert.match(stderr, /^go\.work:5:1: use \.\.\/outside points outside the build context, which is all the build can see: build from a directory that holds go\.work and every module it uses\n$/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
