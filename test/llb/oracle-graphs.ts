/**
 * The graphs of test/llb-oracle/graphs.go, built with slimgo's builder. Names,
 * options and their order match the Go side one-to-one.
 */
import {
  copy,
  image,
  local,
  mkdir,
  scratch,
  SourceFile,
  type MarshalOptions,
  type MountOptions,
  type Platform,
  type SourceRange,
  type State,
} from "../../src/llb/index.js";

export interface OracleGraph {
  readonly state: State;
  readonly opts: MarshalOptions;
}

const amd64: Platform = { os: "linux", architecture: "amd64" };
const arm64v8: Platform = { os: "linux", architecture: "arm64", variant: "v8" };
const armV7: Platform = { os: "linux", architecture: "arm", variant: "v7" };

const specYAML = "name: demo\nmain: ./cmd/demo\nplatforms:\n  - linux/amd64\n  - linux/arm64\n";
const utf8 = (s: string) => new TextEncoder().encode(s);

function rng(l1: number, c1: number, l2: number, c2: number): SourceRange {
  return { start: { line: l1, character: c1 }, end: { line: l2, character: c2 } };
}

/** A daemon that supports every cap (only membership of setsdefaultpath matters to the builder). */
const allCaps: ReadonlySet<string> = new Set(["exec.meta.base", "exec.meta.setsdefaultpath", "source.image", "file.base"]);
const oldDaemonCaps: ReadonlySet<string> = new Set(["exec.meta.base", "source.image", "file.base"]);

export const oracleGraphs: Readonly<Record<string, () => OracleGraph>> = {
  scratch: () => ({ state: scratch(), opts: { platform: amd64 } }),

  "image-basic": () => ({ state: image("golang:1.24"), opts: { platform: amd64 } }),

  "image-options": () => {
    const img = image("127.0.0.1:5000/team/app:v1", {
      platform: arm64v8,
      resolveMode: "pull",
      recordType: "internal",
      customName: "builder <base> & tools",
    });
    return { state: img.run({ args: ["uname", "-m"] }).root(), opts: { platform: amd64 } };
  },

  "image-refs": () => {
    const refs = [
      "alpine",
      "docker.io/library/alpine:3.20",
      "ghcr.io/owner/repo",
      "localhost/foo:dev",
      "index.docker.io/foo/bar",
      "alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "golang:1.24@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
      "localhost:5000/a/b",
      "Example.com/app",
    ];
    const mounts: MountOptions[] = refs.map((r, i) => ({
      dest: `/r/${String.fromCharCode(97 + i)}`,
      source: i === 2 ? image(r, { resolveMode: "local" }) : image(r),
      readonly: true,
    }));
    return { state: scratch().run({ args: ["/bin/true"], mounts }).root(), opts: { platform: amd64 } };
  },

  "local-all": () => ({
    state: local("context", {
      sessionId: "sess-1",
      includePatterns: ["go.mod", "go.sum", "<a>&b"],
      excludePatterns: ["**/*_test.go", "node_modules"],
      followPaths: ["slimgo.yaml"],
      sharedKeyHint: "context",
      differ: "none",
      customName: "[context] load build context",
    }),
    opts: { platform: amd64 },
  }),

  "local-unique": () => ({
    state: local("dockerfile", { differ: "metadata" }),
    opts: { platform: amd64, localUniqueId: "oracle-unique-id" },
  }),

  "exec-meta": () => {
    const base = image("busybox:1.36", { platform: { os: "linux", architecture: "amd64" } })
      .dir("/src")
      .addEnv("A", "1")
      .addEnv("B", "2")
      .user("nobody")
      .network("none");
    const first = base
      .run({
        args: ["/bin/sh", "-c", "echo $A $B $C > out"],
        env: [
          ["A", "3"],
          ["C", "x=y"],
        ],
        dir: "sub/dir",
        user: "1000:1000",
        network: "host",
        customName: "run the <thing>",
        ignoreCache: true,
      })
      .root();
    return { state: first.dir("..").run({ args: ["ls", "-la"] }).root(), opts: { platform: amd64 } };
  },

  "exec-bind": () => {
    const ctx = local("context", { sessionId: "s" });
    const e = image("golang:1.24").run({
      args: ["go", "build", "./..."],
      mounts: [
        { dest: "/src", source: ctx, readonly: true, selector: "/app" },
        { dest: "/tools", source: image("alpine:3.20"), selector: "/usr/bin" },
        { dest: "/etc/ctx", source: ctx, readonly: true },
      ],
    });
    return { state: e.getMount("/tools").file(mkdir("/done", 0o755)), opts: { platform: amd64 } };
  },

  "exec-cache": () => ({
    state: image("golang:1.24")
      .run({
        args: ["go", "build", "-o", "/out/app", "."],
        mounts: [
          { dest: "/root/.cache/go-build", cache: { id: "go-build", sharing: "shared" } },
          { dest: "/go/pkg/mod", cache: { id: "go-mod", sharing: "private" } },
          { dest: "/var/lib/x", cache: { id: "x", sharing: "locked" } },
        ],
      })
      .root(),
    opts: { platform: amd64 },
  }),

  "exec-tmpfs": () => ({
    state: image("golang:1.24")
      .run({
        args: ["true"],
        mounts: [
          { dest: "/tmp", tmpfs: {} },
          { dest: "/run", tmpfs: { size: 64 << 20 } },
        ],
      })
      .root(),
    opts: { platform: amd64 },
  }),

  "exec-output-mounts": () => {
    const e = image("alpine:3.20").run({
      args: ["/bin/sh", "-c", "touch /z/y /a/x /m/n/w"],
      mounts: [{ dest: "/z" }, { dest: "/a" }, { dest: "/m/n" }, { dest: "/cache", cache: { id: "c", sharing: "shared" } }],
    });
    const out = scratch().file(
      copy(e.getMount("/a"), "/x", "/a/")
        .copy(e.getMount("/z"), "/y", "/z/")
        .copy(e.getMount("/m/n"), "w", "/w")
        .copy(e.root(), "/etc/passwd", "/etc/"),
    );
    return { state: out, opts: { platform: amd64 } };
  },

  "file-chain": () => ({
    state: image("alpine:3.20")
      .dir("/work")
      .file(
        mkdir("out", 0o755, { makeParents: true, owner: { user: 1000, group: 1000 } })
          .mkfile("out/hello.txt", 0o644, "hello\n", { owner: { user: 0, group: 0 } })
          .mkdir("/abs/dir", 0o2755)
          .mkfile("empty", 0o600, new Uint8Array()),
        { customName: "prepare /work" },
      ),
    opts: { platform: amd64 },
  }),

  "file-copy-options": () => {
    const src = local("context", { sessionId: "s" }).dir("/app");
    const state = scratch()
      .dir("/dst")
      .file(
        copy(src, "bin/", "out/", {
          mode: 0o755,
          followSymlinks: true,
          copyDirContentsOnly: true,
          createDestPath: true,
          allowWildcard: true,
          allowEmptyWildcard: true,
          includePatterns: ["*.go", "go.*"],
          excludePatterns: ["*_test.go"],
          owner: { user: 65532, group: 65532 },
        })
          .copy(src, "/abs/./x/../file", "target/.")
          .copy(scratch(), "nothing", "/n", { allowEmptyWildcard: true }),
      );
    return { state, opts: { platform: amd64 } };
  },

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
