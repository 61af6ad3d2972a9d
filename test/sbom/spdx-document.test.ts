import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readGoBuildInfo } from "../../src/elf/index.js";
import { parseModinfo } from "../../src/elf/modinfo.js";
import { spdxDocument } from "../../src/sbom/spdx-document.js";
import { GO, GO_ENV } from "../elf/go-fixtures.js";
import { assertGolden } from "../support/golden.js";

/** What `go version -m` prints for a service with a replaced and a pseudo-versioned module (tab-separated as the linker writes it). */
const MODINFO = [
  "path\texample.com/shop/cmd/api",
  "mod\texample.com/shop\t(devel)\t",
  "dep\tgithub.com/google/uuid\tv1.6.0\th1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=",
  "dep\tgolang.org/x/text\tv0.0.0-20170915032832-14c0d48ead0c\th1:qgOY6WgZOaTkIIMiVjBQcw93ERBE4m30iBm00nkL0i8=",
  "dep\texample.com/shop/lib\tv0.0.0\t",
  "=>\t../lib\t\t",
  "build\t-buildmode=exe",
  "build\t-compiler=gc",
  "build\t-trimpath=true",
  'build\t-ldflags="-s -w -X main.version=1.4.2"',
  "build\tCGO_ENABLED=0",
  "build\tGOARCH=arm64",
  "build\tGOOS=linux",
  "build\tvcs=git",
  "build\tvcs.revision=0123456789abcdef0123456789abcdef01234567",
  "",
].join("\n");

const created = new Date(1_700_000_000_000);

test("SPDX from Go build info: main module, every module with version and sum, stdlib, build settings (golden)", () => {
  const info = { goVersion: "go1.24.4", ...parseModinfo(MODINFO) };
  const doc = spdxDocument({ name: "api linux/arm64", binaries: [{ path: "/usr/local/bin/api", info }], created, tool: "slimgo-0.1.0" });
  assertGolden("sbom/api-linux-arm64.spdx", JSON.parse(doc));
  // The same input gives the same bytes: the document is part of what a rebuild must reproduce.
  assert.equal(spdxDocument({ name: "api linux/arm64", binaries: [{ path: "/usr/local/bin/api", info }], created, tool: "slimgo-0.1.0" }), doc);
});

test("an image with two binaries lists shared modules once and each binary's dependencies", () => {
  const info = { goVersion: "go1.24.4", ...parseModinfo(MODINFO) };
  const worker = { ...info, path: "example.com/shop/cmd/worker", deps: info.deps.slice(0, 1) };
  const doc = JSON.parse(spdxDocument({ name: "all", binaries: [{ path: "/usr/local/bin/api", info }, { path: "/usr/local/bin/worker", info: worker }], created, tool: "t" }));
  const names = doc.packages.map((p: { name: string }) => p.name);
  assert.deepEqual(names, ["example.com/shop", "stdlib", "github.com/google/uuid", "golang.org/x/text", "example.com/shop/lib", "example.com/shop"]);
  assert.equal(new Set(doc.packages.map((p: { SPDXID: string }) => p.SPDXID)).size, names.length, "SPDX ids are unique");
  const describes = doc.relationships.filter((r: { relationshipType: string }) => r.relationshipType === "DESCRIBES");
  assert.equal(describes.length, 2);
});

test("the document from a real Go binary names its modules", () => {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-sbom-"));
  try {
    writeFileSync(join(dir, "go.mod"), "module example.com/tiny\n\ngo 1.22\n");
    writeFileSync(join(dir, "main.go"), 'package main\n\nfunc main() { println("tiny") }\n');
    execFileSync(GO, ["build", "-trimpath", "-o", join(dir, "tiny"), "."], { cwd: dir, env: { ...process.env, ...GO_ENV, GOARCH: "amd64", CGO_ENABLED: "0" } });
    const info = readGoBuildInfo(readFileSync(join(dir, "tiny")));
    assert.ok(info);
    const doc = JSON.parse(spdxDocument({ name: "tiny", binaries: [{ path: "/usr/local/bin/tiny", info }], created, tool: "t" }));
    const main = doc.packages[0];
    assert.equal(main.name, "example.com/tiny");
    assert.match(main.comment, /build settings: .*CGO_ENABLED=0 .*GOARCH=amd64/);
    assert.equal(doc.packages[1].name, "stdlib");
    assert.equal(doc.packages[1].versionInfo, info.goVersion.replace(/ .*$/, ""));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
