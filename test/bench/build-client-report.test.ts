import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SECTION_BEGIN, SECTION_END, currentSection, putSection } from "../../bench/build-client-report.js";
import { stepSeconds } from "../../bench/runners.js";

const section = (body: string) => `${SECTION_BEGIN}\n${body}\n${SECTION_END}`;

test("the slimgo build section replaces its old self and leaves the rest of results.md alone", () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-bench-report-"));
  try {
    const file = join(dir, "results.md");
    writeFileSync(file, `# full run\n\n| a | b |\n\n${section("old figures")}\n\ntrailer\n`);
    putSection(section("new figures, $& and $1 kept as written"), file);
    assert.equal(readFileSync(file, "utf8"), `# full run\n\n| a | b |\n\n${section("new figures, $& and $1 kept as written")}\n\ntrailer\n`);
    assert.equal(currentSection(file), section("new figures, $& and $1 kept as written"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a results.md without the section gets it appended; an empty section changes nothing", () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-bench-report-"));
  try {
    const file = join(dir, "results.md");
    writeFileSync(file, "# full run\n");
    assert.equal(currentSection(file), "");
    putSection("", file);
    assert.equal(readFileSync(file, "utf8"), "# full run\n");
    putSection(section("figures"), file);
    assert.equal(readFileSync(file, "utf8"), `# full run\n\n${section("figures")}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("step times by name: the go list step of a slimgo build, once per step", () => {
  const log = "#6 go list -deps ./cmd/server\n#6 0.100 listing\n#6 DONE 1.1s\n#4 go build ./cmd/server\n#4 DONE 2.1s\n";
  assert.equal(stepSeconds(log, "go list -deps"), 1.1);
  assert.equal(stepSeconds(log, "go build"), 2.1);
});
