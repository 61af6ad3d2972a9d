import assert from "node:assert/strict";
import { test } from "node:test";
import { inLinuxBuild } from "../../src/cli/build-constraints.js";

const src = (constraint: string) => `${constraint}\n\npackage x\n`;

test("file names naming another system leave the file out of a Linux build", () => {
  assert.equal(inLinuxBuild("pse_windows.go", "package x\n", true), false);
  assert.equal(inLinuxBuild("zsys_darwin_arm64.go", "package x\n", true), false);
  assert.equal(inLinuxBuild("pse_linux.go", "package x\n", true), true);
  assert.equal(inLinuxBuild("sys_linux_amd64.go", "package x\n", true), true);
  assert.equal(inLinuxBuild("pse_freebsd_cgo.go", src("//go:build freebsd && cgo"), true), false);
  assert.equal(inLinuxBuild("windows.go", "package x\n", true), true, "the first element is not a suffix");
});

test("//go:build lines are evaluated for Linux, with cgo on or off", () => {
  assert.equal(inLinuxBuild("a.go", src("//go:build ignore"), true), false);
  assert.equal(inLinuxBuild("a.go", src("//go:build linux && cgo"), true), true);
  assert.equal(inLinuxBuild("a.go", src("//go:build linux && cgo"), false), false);
  assert.equal(inLinuxBuild("a.go", src("//go:build !windows && (amd64 || arm64)"), false), true);
  assert.equal(inLinuxBuild("a.go", src("//go:build unix && !darwin"), false), true);
  assert.equal(inLinuxBuild("a.go", src("//go:build go1.21"), false), true);
  // A constraint after the package clause is a comment, not a constraint.
  assert.equal(inLinuxBuild("a.go", "package x\n//go:build ignore\n", false), true);
});
