/**
 * Oracle graphs that combine several op kinds: source maps, caps, dedup, platforms and
 * the Go recipe's shape. Mirrors the second half of test/llb-oracle/graphs.go.
 */
import { copy, image, local, mkdir, scratch, SourceFile } from "../../src/llb/index.js";
import { amd64, arm64v8, armV7, rng, specYAML, utf8, type OracleGraph } from "./oracle-common.js";

/** A daemon that supports every cap (only membership of setsdefaultpath matters to the builder). */
const allCaps: ReadonlySet<string> = new Set(["exec.meta.base", "exec.meta.setsdefaultpath", "source.image", "file.base"]);
const oldDaemonCaps: ReadonlySet<string> = new Set(["exec.meta.base", "source.image", "file.base"]);

export const compositeGraphs: Readonly<Record<string, () => OracleGraph>> = {
  "source-mapped": () => {
    const spec = new SourceFile("slimgo.yaml", utf8(specYAML), "YAML");
    const same = new SourceFile("slimgo.yaml", utf8(specYAML), "YAML");
    const gomod = new SourceFile("go.mod", utf8("module example.com/demo\n\ngo 1.24\n"), "Go Module");
    const state = image("golang:1.24")
      .run({ args: ["go", "build", "./cmd/demo"], source: { file: spec, ranges: [rng(2, 1, 2, 17)] } })
      .root()
      .file(mkdir("/out", 0o755), {
        source: [
          { file: same, ranges: [rng(3, 1, 5, 16), rng(1, 0, 1, 0)] },
          { file: gomod, ranges: [rng(3, 1, 3, 8)] },
        ],
      });
    return { state, opts: { platform: amd64 } };
  },

  "caps-none": () => ({
    state: image("golang:1.24").run({ args: ["go", "version"] }).root(),
    opts: { platform: amd64 },
  }),

  "caps-defaultpath": () => ({
    state: image("golang:1.24").run({ args: ["go", "version"] }).root(),
    opts: { platform: amd64, caps: allCaps },
  }),

  "caps-old-daemon": () => {
    const first = image("golang:1.24").addEnv("GOPATH", "/go").run({ args: ["go", "version"] }).root();
    return {
      state: first.addEnv("PATH", "/go/bin").run({ args: ["go", "env"] }).root(),
      opts: { platform: amd64, caps: oldDaemonCaps },
    };
  },

  diamond: () => {
    const base = image("golang:1.24");
    const again = image("golang:1.24", { customName: "again" });
    const a = base.run({ args: ["a"] }).root();
    const b = base.run({ args: ["b"], customName: "b" }).root();
    const c = again.run({ args: ["c"] }).root();
    const d = again.run({ args: ["a"], ignoreCache: true }).root();
    const state = scratch().file(copy(a, "/a", "/a").copy(b, "/b", "/b").copy(c, "/c", "/c").copy(d, "/a", "/d"));
    return { state, opts: { platform: amd64 } };
  },

  "platform-variants": () => {
    const plain = image("alpine:3.20").run({ args: ["uname"] }).root();
    const own = image("alpine:3.20", { platform: arm64v8 })
      .run({ args: ["uname"], mounts: [{ dest: "/plain", source: plain, readonly: true }] })
      .root();
    return { state: own, opts: { platform: armV7 } };
  },

  "go-recipe": () => {
    const spec = new SourceFile("slimgo.yaml", utf8(specYAML), "YAML");
    const builder = image("golang:1.24", { platform: amd64 })
      .addEnv("PATH", "/usr/local/go/bin:/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
      .addEnv("GOPATH", "/go")
      .dir("/go");
    const gomod = local("context", {
      sessionId: "sess",
      includePatterns: ["go.mod", "go.sum"],
      sharedKeyHint: "slimgo-go-mod",
      customName: "[context] load go.mod and go.sum",
    });
    const ctx = local("context", {
      sessionId: "sess",
      excludePatterns: [".git", "*.md"],
      sharedKeyHint: "context",
      customName: "[context] load build context",
    });
    const mods = builder
      .run({
        args: ["/bin/sh", "-c", "go mod download"],
        env: [["GOMODCACHE", "/slimgo/fetch"]],
        dir: "/src",
        mounts: [
          { dest: "/src", source: gomod, readonly: true },
          { dest: "/slimgo/fetch", cache: { id: "slimgo-fetch", sharing: "shared" } },
          { dest: "/slimgo/mod" },
        ],
        customName: "go mod download",
        source: { file: spec, ranges: [rng(2, 1, 2, 17)] },
      })
      .getMount("/slimgo/mod");
    const bin = builder
      .run({
        args: ["go", "build", "-trimpath", "-o", "/out/demo", "./cmd/demo"],
        env: [
          ["CGO_ENABLED", "0"],
          ["GOOS", "linux"],
          ["GOARCH", "arm64"],
          ["GOMODCACHE", "/slimgo/mod"],
        ],
        dir: "/src",
        network: "none",
        mounts: [
          { dest: "/src", source: ctx, readonly: true },
          { dest: "/slimgo/mod", source: mods, readonly: true },
          { dest: "/root/.cache/go-build", cache: { id: "slimgo-go-build", sharing: "locked" } },
          { dest: "/out" },
        ],
        customName: "[linux/arm64] go build ./cmd/demo",
        source: { file: spec, ranges: [rng(5, 3, 5, 16)] },
      })
      .getMount("/out");
    const final = scratch().file(copy(bin, "/demo", "/usr/local/bin/demo", { createDestPath: true, mode: 0o755 }), {
      customName: "copy demo into the image",
    });
    return { state: final, opts: { platform: amd64, caps: allCaps } };
  },
};
