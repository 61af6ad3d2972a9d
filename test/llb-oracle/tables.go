package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"google.golang.org/protobuf/proto"
)

// Tables check single behaviours across many inputs, read off what
// client/llb marshals: the source identifier an image reference becomes, and
// the platform an image op and an exec on it carry.

var imageReferences = []string{
	"golang:1.24",
	"alpine",
	"library/alpine:3",
	"owner/app",
	"docker.io/alpine",
	"index.docker.io/foo/bar",
	"index.docker.io/alpine",
	"ghcr.io/owner/repo:v1",
	"127.0.0.1:5000/x:y",
	"localhost/foo",
	"localhost:5000/a/b",
	"Example.com/app",
	"[::1]:5000/app:v",
	"alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"golang:1.24@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"a__b/c--d.e:TAG_1.x-y",
	"Alpine",
	"owner/App:1",
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"alpine:bad tag",
	"alpine@sha256:abc",
	"alpine@md5:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"alpine@sha256:0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
	"-x/y",
	"a/b:",
	"a/b@",
	"a//b",
	"a/b/",
	"example.com:notaport/x",
	"localhost",
	"localhost:5000",
	"registry.example.com/a/b/c/d:1.0-rc.1",
	"ubuntu:24.04@sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
}

type refRow struct {
	Ref        string `json:"ref"`
	Identifier string `json:"identifier,omitempty"`
	Error      string `json:"error,omitempty"`
}

type platformRow struct {
	In   ocispecs.Platform `json:"in"`
	Op   ocispecs.Platform `json:"op"`
	Exec ocispecs.Platform `json:"exec"`
}

var platformInputs = []ocispecs.Platform{
	{OS: "linux", Architecture: "amd64"},
	{OS: "Linux", Architecture: "x86_64", Variant: "v1"},
	{OS: "linux", Architecture: "x86_64", Variant: "v3"},
	{OS: "linux", Architecture: "aarch64", Variant: "v8"},
	{OS: "linux", Architecture: "arm64", Variant: "9"},
	{OS: "linux", Architecture: "arm"},
	{OS: "linux", Architecture: "arm", Variant: "6"},
	{OS: "linux", Architecture: "armhf"},
	{OS: "linux", Architecture: "armel"},
	{OS: "linux", Architecture: "i386", Variant: "x"},
	{OS: "linux", Architecture: "riscv64"},
	{OS: "macos", Architecture: "ARM64"},
	{OS: "windows", Architecture: "amd64"},
}

func writeTables(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var refs []refRow
	for _, r := range imageReferences {
		row := refRow{Ref: r}
		def, err := llb.Image(r).Marshal(context.Background(), llb.LinuxAmd64)
		if err != nil {
			row.Error = err.Error()
		} else {
			op, err := decodeOp(def.Def[0])
			if err != nil {
				return err
			}
			row.Identifier = op.GetSource().GetIdentifier()
		}
		refs = append(refs, row)
	}
	if err := writeJSON(filepath.Join(dir, "image-references.json"), refs); err != nil {
		return err
	}
	var plats []platformRow
	for _, p := range platformInputs {
		def, err := llb.Image("alpine", llb.Platform(p)).Run(llb.Args([]string{"true"})).Root().Marshal(context.Background(), llb.LinuxAmd64)
		if err != nil {
			return err
		}
		src, err := decodeOp(def.Def[0])
		if err != nil {
			return err
		}
		exec, err := decodeOp(def.Def[1])
		if err != nil {
			return err
		}
		plats = append(plats, platformRow{In: p, Op: toOCI(src.Platform), Exec: toOCI(exec.Platform)})
	}
	return writeJSON(filepath.Join(dir, "platforms.json"), plats)
}

func decodeOp(dt []byte) (*pb.Op, error) {
	var op pb.Op
	if err := proto.Unmarshal(dt, &op); err != nil {
		return nil, err
	}
	return &op, nil
}

func toOCI(p *pb.Platform) ocispecs.Platform {
	return ocispecs.Platform{OS: p.OS, Architecture: p.Architecture, Variant: p.Variant}
}

func writeJSON(path string, v any) error {
	dt, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(dt, '\n'), 0o644)
}
