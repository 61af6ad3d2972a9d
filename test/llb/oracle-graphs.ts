/**
 * The graphs of test/llb-oracle/graphs.go, built with slimgo's builder. Names,
 * options and their order match the Go side one-to-one.
 */
import { copy, image, local, mkdir, scratch, type MountOptions } from "../../src/llb/index.js";
import { compositeGraphs } from "./oracle-graphs-composite.js";
import { amd64, arm64v8, type OracleGraph } from "./oracle-common.js";

export type { OracleGraph } from "./oracle-common.js";

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

  ...compositeGraphs,
};
