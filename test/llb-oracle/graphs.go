package main

import (
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"github.com/moby/buildkit/util/apicaps"
	apicapspb "github.com/moby/buildkit/util/apicaps/pb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Each graph is mirrored one-to-one in test/llb/oracle-graphs.ts; keep the
// names, options and their order the same on both sides.
type graph struct {
	name  string
	about string
	build func() (llb.State, []llb.ConstraintsOpt)
}

var (
	amd64 = llb.LinuxAmd64
	arm64 = ocispecs.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}
	armV7 = ocispecs.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}
)

const specYAML = "name: demo\nmain: ./cmd/demo\nplatforms:\n  - linux/amd64\n  - linux/arm64\n"

func rng(l1, c1, l2, c2 int32) *pb.Range {
	return &pb.Range{Start: &pb.Position{Line: l1, Character: c1}, End: &pb.Position{Line: l2, Character: c2}}
}

// allCaps is a daemon that supports every cap client/llb knows.
func allCaps() apicaps.CapSet {
	return pb.Caps.CapSet(pb.Caps.All())
}

// oldDaemonCaps lacks exec.meta.setsdefaultpath, so the client writes PATH.
func oldDaemonCaps() apicaps.CapSet {
	var caps []*apicapspb.APICap
	for _, c := range pb.Caps.All() {
		if c.ID != string(pb.CapExecMetaSetsDefaultPath) {
			caps = append(caps, c)
		}
	}
	return pb.Caps.CapSet(caps)
}

func graphs() []graph {
	return []graph{
		{"scratch", "scratch marshals to an empty definition", func() (llb.State, []llb.ConstraintsOpt) {
			return llb.Scratch(), []llb.ConstraintsOpt{amd64}
		}},
		{"image-basic", "a Docker Hub short name, default platform from the marshal options", func() (llb.State, []llb.ConstraintsOpt) {
			return llb.Image("golang:1.24"), []llb.ConstraintsOpt{amd64}
		}},
		{"image-options", "registry host with port, own platform (kept verbatim on the op, normalised for the exec), forced pull, record type, custom name with HTML characters", func() (llb.State, []llb.ConstraintsOpt) {
			img := llb.Image("127.0.0.1:5000/team/app:v1", llb.Platform(arm64), llb.ResolveModeForcePull, llb.MarkImageInternal, llb.WithCustomName("builder <base> & tools"))
			return img.Run(llb.Args([]string{"uname", "-m"})).Root(), []llb.ConstraintsOpt{amd64}
		}},
		{"image-refs", "reference normalisation, read-only image mounts on a scratch root, prefer-local resolve mode", func() (llb.State, []llb.ConstraintsOpt) {
			refs := []string{
				"alpine",
				"docker.io/library/alpine:3.20",
				"ghcr.io/owner/repo",
				"localhost/foo:dev",
				"index.docker.io/foo/bar",
				"alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
				"golang:1.24@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
				"localhost:5000/a/b",
				"Example.com/app",
			}
			opts := []llb.RunOption{llb.Args([]string{"/bin/true"})}
			for i, r := range refs {
				var img llb.State
				if i == 2 {
					img = llb.Image(r, llb.ResolveModePreferLocal)
				} else {
					img = llb.Image(r)
				}
				opts = append(opts, llb.AddMount("/r/"+string(rune('a'+i)), img, llb.Readonly))
			}
			return llb.Scratch().Run(opts...).Root(), []llb.ConstraintsOpt{amd64}
		}},
		{"local-all", "a local source with every attr: session, include/exclude/follow (JSON, HTML-escaped), shared key hint, differ, custom name", func() (llb.State, []llb.ConstraintsOpt) {
			return llb.Local("context",
				llb.SessionID("sess-1"),
				llb.IncludePatterns([]string{"go.mod", "go.sum", "<a>&b"}),
				llb.ExcludePatterns([]string{"**/*_test.go", "node_modules"}),
				llb.FollowPaths([]string{"slimgo.yaml"}),
				llb.SharedKeyHint("context"),
				llb.Differ(llb.DiffNone, false),
				llb.WithCustomName("[context] load build context"),
			), []llb.ConstraintsOpt{amd64}
		}},
		{"local-unique", "a local source without a session gets local.unique (pinned here)", func() (llb.State, []llb.ConstraintsOpt) {
			return llb.Local("dockerfile", llb.Differ(llb.DiffMetadata, false)), []llb.ConstraintsOpt{amd64, llb.LocalUniqueID("oracle-unique-id")}
		}},
		{"exec-meta", "exec env/dir/user/network from state and run options, custom name, ignore cache; a second exec sees only the state's values", func() (llb.State, []llb.ConstraintsOpt) {
			base := llb.Image("busybox:1.36", llb.Platform(ocispecs.Platform{OS: "linux", Architecture: "amd64"})).
				Dir("/src").AddEnv("A", "1").AddEnv("B", "2").User("nobody").Network(pb.NetMode_NONE)
			first := base.Run(
				llb.Args([]string{"/bin/sh", "-c", "echo $A $B $C > out"}),
				llb.AddEnv("A", "3"),
				llb.AddEnv("C", "x=y"),
				llb.Dir("sub/dir"),
				llb.User("1000:1000"),
				llb.Network(pb.NetMode_HOST),
				llb.WithCustomName("run the <thing>"),
				llb.IgnoreCache,
			).Root()
			return first.Dir("..").Run(llb.Args([]string{"ls", "-la"})).Root(), []llb.ConstraintsOpt{amd64}
		}},
		{"exec-bind", "read-only binds with selectors, a writable bind of an image with a selector, deduplicated inputs, GetMount", func() (llb.State, []llb.ConstraintsOpt) {
			ctx := llb.Local("context", llb.SessionID("s"))
			e := llb.Image("golang:1.24").Run(
				llb.Args([]string{"go", "build", "./..."}),
				llb.AddMount("/src", ctx, llb.Readonly, llb.SourcePath("/app")),
				llb.AddMount("/tools", llb.Image("alpine:3.20"), llb.SourcePath("/usr/bin")),
				llb.AddMount("/etc/ctx", ctx, llb.Readonly),
			)
			return e.GetMount("/tools").File(llb.Mkdir("/done", 0o755)), []llb.ConstraintsOpt{amd64}
		}},
		{"exec-cache", "cache mounts with each sharing mode", func() (llb.State, []llb.ConstraintsOpt) {
			return llb.Image("golang:1.24").Run(
				llb.Args([]string{"go", "build", "-o", "/out/app", "."}),
				llb.AddMount("/root/.cache/go-build", llb.Scratch(), llb.AsPersistentCacheDir("go-build", llb.CacheMountShared)),
				llb.AddMount("/go/pkg/mod", llb.Scratch(), llb.AsPersistentCacheDir("go-mod", llb.CacheMountPrivate)),
				llb.AddMount("/var/lib/x", llb.Scratch(), llb.AsPersistentCacheDir("x", llb.CacheMountLocked)),
			).Root(), []llb.ConstraintsOpt{amd64}
		}},
		{"exec-tmpfs", "tmpfs mounts with and without a size", func() (llb.State, []llb.ConstraintsOpt) {
			return llb.Image("golang:1.24").Run(
				llb.Args([]string{"true"}),
				llb.AddMount("/tmp", llb.Scratch(), llb.Tmpfs()),
				llb.AddMount("/run", llb.Scratch(), llb.Tmpfs(llb.TmpfsSize(64<<20))),
			).Root(), []llb.ConstraintsOpt{amd64}
		}},
		{"exec-output-mounts", "writable scratch mounts given out of order: sorted by dest, output indexes, copies from each into one file op", func() (llb.State, []llb.ConstraintsOpt) {
			e := llb.Image("alpine:3.20").Run(
				llb.Args([]string{"/bin/sh", "-c", "touch /z/y /a/x /m/n/w"}),
				llb.AddMount("/z", llb.Scratch()),
				llb.AddMount("/a", llb.Scratch()),
				llb.AddMount("/m/n", llb.Scratch()),
				llb.AddMount("/cache", llb.Scratch(), llb.AsPersistentCacheDir("c", llb.CacheMountShared)),
			)
			out := llb.Scratch().File(
				llb.Copy(e.GetMount("/a"), "/x", "/a/").
					Copy(e.GetMount("/z"), "/y", "/z/").
					Copy(e.GetMount("/m/n"), "w", "/w").
					Copy(e.Root(), "/etc/passwd", "/etc/"),
			)
			return out, []llb.ConstraintsOpt{amd64}
		}},
		{"file-chain", "mkdir/mkfile chain on an image with a working dir: relative paths, parents, owners, masked modes, custom name", func() (llb.State, []llb.ConstraintsOpt) {
			st := llb.Image("alpine:3.20").Dir("/work").File(
				llb.Mkdir("out", 0o755, llb.WithParents(true), llb.WithUIDGID(1000, 1000)).
					Mkfile("out/hello.txt", 0o644, []byte("hello\n"), llb.WithUIDGID(0, 0)).
					Mkdir("/abs/dir", 0o2755).
					Mkfile("empty", 0o600, nil),
				llb.WithCustomName("prepare /work"),
			)
			return st, []llb.ConstraintsOpt{amd64}
		}},
		{"file-copy-options", "copy with every option we emit, source dirs, trailing slash and /. destinations, a copy from scratch", func() (llb.State, []llb.ConstraintsOpt) {
			src := llb.Local("context", llb.SessionID("s")).Dir("/app")
			st := llb.Scratch().Dir("/dst").File(
				llb.Copy(src, "bin/", "out/", &llb.CopyInfo{
					Mode:                &llb.ChmodOpt{Mode: 0o755},
					FollowSymlinks:      true,
					CopyDirContentsOnly: true,
					CreateDestPath:      true,
					AllowWildcard:       true,
					AllowEmptyWildcard:  true,
					IncludePatterns:     []string{"*.go", "go.*"},
					ExcludePatterns:     []string{"*_test.go"},
					ChownOpt:            &llb.ChownOpt{User: &llb.UserOpt{UID: 65532}, Group: &llb.UserOpt{UID: 65532}},
				}).
					Copy(src, "/abs/./x/../file", "target/.", &llb.CopyInfo{}).
					Copy(llb.Scratch(), "nothing", "/n", &llb.CopyInfo{AllowEmptyWildcard: true}),
			)
			return st, []llb.ConstraintsOpt{amd64}
		}},
		{"source-mapped", "source locations on an exec and a file op, two equal source maps sharing one info, a second file", func() (llb.State, []llb.ConstraintsOpt) {
			spec := llb.NewSourceMap(nil, "slimgo.yaml", "YAML", []byte(specYAML))
			same := llb.NewSourceMap(nil, "slimgo.yaml", "YAML", []byte(specYAML))
			gomod := llb.NewSourceMap(nil, "go.mod", "Go Module", []byte("module example.com/demo\n\ngo 1.24\n"))
			st := llb.Image("golang:1.24").Run(
				llb.Args([]string{"go", "build", "./cmd/demo"}),
				spec.Location([]*pb.Range{rng(2, 1, 2, 17)}),
			).Root().File(
				llb.Mkdir("/out", 0o755),
				same.Location([]*pb.Range{rng(3, 1, 5, 16), rng(1, 0, 1, 0)}),
				gomod.Location([]*pb.Range{rng(3, 1, 3, 8)}),
			)
			return st, []llb.ConstraintsOpt{amd64}
		}},
		{"caps-none", "no caps given: no PATH, no setsdefaultpath cap", func() (llb.State, []llb.ConstraintsOpt) {
			return llb.Image("golang:1.24").Run(llb.Args([]string{"go", "version"})).Root(), []llb.ConstraintsOpt{amd64}
		}},
		{"caps-defaultpath", "a daemon that sets PATH itself: the exec records the cap instead", func() (llb.State, []llb.ConstraintsOpt) {
			return llb.Image("golang:1.24").Run(llb.Args([]string{"go", "version"})).Root(), []llb.ConstraintsOpt{amd64, llb.WithCaps(allCaps())}
		}},
		{"caps-old-daemon", "a daemon without setsdefaultpath: the client writes PATH unless the env has one", func() (llb.State, []llb.ConstraintsOpt) {
			first := llb.Image("golang:1.24").AddEnv("GOPATH", "/go").Run(llb.Args([]string{"go", "version"})).Root()
			return first.AddEnv("PATH", "/go/bin").Run(llb.Args([]string{"go", "env"})).Root(), []llb.ConstraintsOpt{amd64, llb.WithCaps(oldDaemonCaps())}
		}},
		{"diamond", "shared inputs and equal ops built twice: one def entry per digest, metadata merged", func() (llb.State, []llb.ConstraintsOpt) {
			base := llb.Image("golang:1.24")
			again := llb.Image("golang:1.24", llb.WithCustomName("again"))
			a := base.Run(llb.Args([]string{"a"})).Root()
			b := base.Run(llb.Args([]string{"b"}), llb.WithCustomName("b")).Root()
			c := again.Run(llb.Args([]string{"c"})).Root()
			d := again.Run(llb.Args([]string{"a"}), llb.IgnoreCache).Root()
			st := llb.Scratch().File(
				llb.Copy(a, "/a", "/a").Copy(b, "/b", "/b").Copy(c, "/c", "/c").Copy(d, "/a", "/d"),
			)
			return st, []llb.ConstraintsOpt{amd64}
		}},
		{"platform-variants", "marshal default linux/arm/v7 used verbatim; an image's arm64/v8 kept on the op and normalised for its exec", func() (llb.State, []llb.ConstraintsOpt) {
			plain := llb.Image("alpine:3.20").Run(llb.Args([]string{"uname"})).Root()
			own := llb.Image("alpine:3.20", llb.Platform(arm64)).Run(llb.Args([]string{"uname"}), llb.AddMount("/plain", plain, llb.Readonly)).Root()
			return own, []llb.ConstraintsOpt{llb.Platform(armV7)}
		}},
		{"go-recipe", "the shape slimgo emits: module download with a fetch cache, a build with caches, the binary copied onto scratch", func() (llb.State, []llb.ConstraintsOpt) {
			spec := llb.NewSourceMap(nil, "slimgo.yaml", "YAML", []byte(specYAML))
			builder := llb.Image("golang:1.24", llb.Platform(ocispecs.Platform{OS: "linux", Architecture: "amd64"})).
				AddEnv("PATH", "/usr/local/go/bin:/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").
				AddEnv("GOPATH", "/go").Dir("/go")
			gomod := llb.Local("context", llb.SessionID("sess"), llb.IncludePatterns([]string{"go.mod", "go.sum"}), llb.SharedKeyHint("slimgo-go-mod"), llb.WithCustomName("[context] load go.mod and go.sum"))
			ctx := llb.Local("context", llb.SessionID("sess"), llb.ExcludePatterns([]string{".git", "*.md"}), llb.SharedKeyHint("context"), llb.WithCustomName("[context] load build context"))
			mods := builder.Run(
				llb.Args([]string{"/bin/sh", "-c", "go mod download"}),
				llb.AddEnv("GOMODCACHE", "/slimgo/fetch"),
				llb.Dir("/src"),
				llb.AddMount("/src", gomod, llb.Readonly),
				llb.AddMount("/slimgo/fetch", llb.Scratch(), llb.AsPersistentCacheDir("slimgo-fetch", llb.CacheMountShared)),
				llb.AddMount("/slimgo/mod", llb.Scratch()),
				llb.WithCustomName("go mod download"),
				spec.Location([]*pb.Range{rng(2, 1, 2, 17)}),
			).GetMount("/slimgo/mod")
			bin := builder.Run(
				llb.Args([]string{"go", "build", "-trimpath", "-o", "/out/demo", "./cmd/demo"}),
				llb.AddEnv("CGO_ENABLED", "0"),
				llb.AddEnv("GOOS", "linux"),
				llb.AddEnv("GOARCH", "arm64"),
				llb.AddEnv("GOMODCACHE", "/slimgo/mod"),
				llb.Dir("/src"),
				llb.Network(pb.NetMode_NONE),
				llb.AddMount("/src", ctx, llb.Readonly),
				llb.AddMount("/slimgo/mod", mods, llb.Readonly),
				llb.AddMount("/root/.cache/go-build", llb.Scratch(), llb.AsPersistentCacheDir("slimgo-go-build", llb.CacheMountLocked)),
				llb.AddMount("/out", llb.Scratch()),
				llb.WithCustomName("[linux/arm64] go build ./cmd/demo"),
				spec.Location([]*pb.Range{rng(5, 3, 5, 16)}),
			).GetMount("/out")
			final := llb.Scratch().File(
				llb.Copy(bin, "/demo", "/usr/local/bin/demo", &llb.CopyInfo{CreateDestPath: true, Mode: &llb.ChmodOpt{Mode: 0o755}}),
				llb.WithCustomName("copy demo into the image"),
			)
			return final, []llb.ConstraintsOpt{llb.Platform(ocispecs.Platform{OS: "linux", Architecture: "amd64"}), llb.WithCaps(allCaps())}
		}},
	}
}
