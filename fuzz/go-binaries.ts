/**
 * Small real Go binaries for the ELF, image and gateway seeds, built once
 * with the host toolchain into .cache/fuzz (outside git) and reused.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { GO, type BuildSpec, goBuildAll, goVersion, writeSources } from "../test/elf/go-fixtures.js";

const SPECS: Readonly<Record<string, BuildSpec>> = {
  "go-amd64": { module: "app", env: { CGO_ENABLED: "0", GOARCH: "amd64" } },
  "go-amd64-stripped": { module: "app", env: { CGO_ENABLED: "0", GOARCH: "amd64" }, args: ["-trimpath", "-ldflags", "-s -w"] },
  "go-arm64-stripped": { module: "app", env: { CGO_ENABLED: "0", GOARCH: "arm64" }, args: ["-trimpath", "-ldflags", "-s -w"] },
};

/** [name, path] of each binary; [] when there is no Go toolchain. */
export async function goBinaries(root: string, log: (line: string) => void): Promise<Array<[string, string]>> {
  let version: string;
  try {
    version = goVersion();
  } catch {
    log(`fuzz: no Go toolchain (${GO}): the ELF, image and gateway seeds use synthetic binaries only`);
    return [];
  }
  const dir = join(root, ".cache", "fuzz", version);
  const path = (name: string) => join(dir, `bin-${name}`);
  const missing = Object.keys(SPECS).filter((name) => !existsSync(path(name)));
  if (missing.length > 0) {
    mkdirSync(dir, { recursive: true });
    const src = writeSources();
    try {
      const started = performance.now();
      const built = await goBuildAll(src.dir, Object.fromEntries(missing.map((n) => [n, SPECS[n] as BuildSpec])));
      for (const [name, b] of built) copyFileSync(b.path, path(name));
      log(`fuzz: built ${missing.length} Go seed binaries into ${dir} in ${Math.round(performance.now() - started)} ms`);
    } finally {
      src.dispose();
    }
  }
  return readdirSync(dir)
    .filter((f) => f.startsWith("bin-"))
    .sort()
    .map((f): [string, string] => [f.slice(4), join(dir, f)]);
}
