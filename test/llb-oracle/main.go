// Command llb-oracle marshals a fixed set of LLB graphs with BuildKit's own
// client/llb and writes each Definition, its op digests and a readable dump to
// <out>/<name>.json. slimgo's TypeScript builder must reproduce these bytes.
// It also writes <out>/tables/*.json: image reference and platform
// normalisation, read off the ops client/llb emits.
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

type golden struct {
	Name       string          `json:"name"`
	About      string          `json:"about"`
	Buildkit   string          `json:"buildkit"`
	Definition string          `json:"definition"`
	Digests    []string        `json:"digests"`
	Ops        []dumpedOp      `json:"ops"`
	Metadata   json.RawMessage `json:"metadata,omitempty"`
	Source     json.RawMessage `json:"source,omitempty"`
}

type dumpedOp struct {
	Digest string          `json:"digest"`
	Op     json.RawMessage `json:"op"`
}

func main() {
	out := flag.String("out", filepath.Join("..", "golden", "llb"), "directory for the golden files")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "llb-oracle:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := writeTables(filepath.Join(out, "tables")); err != nil {
		return fmt.Errorf("tables: %w", err)
	}
	version := buildkitVersion()
	for _, g := range graphs() {
		st, opts := g.build()
		def, err := st.Marshal(context.Background(), opts...)
		if err != nil {
			return fmt.Errorf("%s: %w", g.name, err)
		}
		gd, err := dump(g, def, version)
		if err != nil {
			return fmt.Errorf("%s: %w", g.name, err)
		}
		if err := os.WriteFile(filepath.Join(out, g.name+".json"), gd, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func dump(g graph, def *llb.Definition, version string) ([]byte, error) {
	pbDef := def.ToPB()
	dt, err := proto.MarshalOptions{Deterministic: true}.Marshal(pbDef)
	if err != nil {
		return nil, err
	}
	res := golden{
		Name:       g.name,
		About:      g.about,
		Buildkit:   version,
		Definition: base64.StdEncoding.EncodeToString(dt),
		Digests:    []string{},
		Ops:        []dumpedOp{},
	}
	for _, b := range pbDef.Def {
		var op pb.Op
		if err := proto.Unmarshal(b, &op); err != nil {
			return nil, err
		}
		j, err := stableJSON(&op)
		if err != nil {
			return nil, err
		}
		d := digest.FromBytes(b).String()
		res.Digests = append(res.Digests, d)
		res.Ops = append(res.Ops, dumpedOp{Digest: d, Op: j})
	}
	if len(pbDef.Metadata) > 0 {
		if res.Metadata, err = stableJSON(&pb.Definition{Metadata: pbDef.Metadata}); err != nil {
			return nil, err
		}
	}
	if pbDef.Source != nil {
		if res.Source, err = stableJSON(pbDef.Source); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(res); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// stableJSON renders a message as protojson, then re-encodes it so the
// whitespace does not vary between runs (protojson randomises it on purpose).
func stableJSON(m proto.Message) (json.RawMessage, error) {
	j, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(m)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(j, &v); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return json.RawMessage(bytes.TrimSpace(buf.Bytes())), nil
}

func buildkitVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, m := range info.Deps {
		if m.Path == "github.com/moby/buildkit" {
			return m.Version
		}
	}
	return "unknown"
}
