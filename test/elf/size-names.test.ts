/** Symbol name → package and package → module, on names as the Go linker writes them. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { moduleResolver, parseModinfo, symbolPackage, typePackage, type GoBuildInfo } from "../../src/elf/index.js";

test("symbolPackage: methods, generics, closures, equality functions, itabs and escaped dots", () => {
  const cases: Array<[string, string | undefined]> = [
    ["main.main", "main"],
    ["runtime.mallocgc", "runtime"],
    ["net/http.(*Server).Serve", "net/http"],
    ["net/http.(*Server).Serve.func1", "net/http"],
    ["github.com/spf13/cobra.(*Command).Execute", "github.com/spf13/cobra"],
    ["github.com/spf13/cobra.init.func3.1", "github.com/spf13/cobra"],
    ["github.com/a/b/v2/pkg.F", "github.com/a/b/v2/pkg"],
    ["github.com/a/b/v2.F", "github.com/a/b/v2"],
    ["gopkg.in/yaml%2ev3.(*decoder).unmarshal", "gopkg.in/yaml.v3"],
    ["gopkg.in/yaml%2ev3.init", "gopkg.in/yaml.v3"],
    ["slices.SortFunc[go.shape.[]github.com/x/y.T,go.shape.*uint8]", "slices"],
    ["example.com/m/pkg.Map[go.shape.string,go.shape.int].func1", "example.com/m/pkg"],
    ["example.com/m/pkg.(*List[go.shape.*example.com/other.T]).Push", "example.com/m/pkg"],
    ["internal/sync..dict.HashTrieMap[*internal/abi.Type,interface {}]", "internal/sync"],
    ["vendor/golang.org/x/net/http2/hpack.(*Decoder).Write", "vendor/golang.org/x/net/http2/hpack"],
    ["type:.eq.internal/abi.UncommonType", "internal/abi"],
    ["type:.eq.[8]internal/cpu.option", "internal/cpu"],
    ["type:.eq.*gopkg.in/yaml%2ev3.Node", "gopkg.in/yaml.v3"],
    ["type:.eq.struct { github.com/spf13/cobra.name string; github.com/spf13/cobra.called bool }", "github.com/spf13/cobra"],
    ["type:.eq.[2]interface {}", undefined],
    ["go:itab.*reflect.rtype,reflect.Type", "reflect"],
    ["go:itab.*github.com/x/y.T,io.Writer", "github.com/x/y"],
    ["go:func.*", undefined],
    ["go:buildid", undefined],
    ["type:*", undefined],
    ["$f64.3ff0000000000000", undefined],
    ["_rt0_amd64_linux", undefined],
    ["x_cgo_init", undefined],
    ["memeqbody", undefined],
  ];
  for (const [name, want] of cases) assert.equal(symbolPackage(name), want, name);
  assert.equal(typePackage("go.shape.int"), undefined);
  assert.equal(typePackage("map[string]time.Duration"), "time");
});

function info(text: string): GoBuildInfo {
  return { goVersion: "go1.26.0", ...parseModinfo(text) };
}

test("moduleResolver: longest prefix, std, main, replacements, unknown", () => {
  const resolve = moduleResolver(
    info(
      [
        "path\texample.com/app/cmd/app",
        "mod\texample.com/app\t(devel)\t",
        "dep\tgithub.com/a/b\tv1.0.0\th1:x=",
        "dep\tgithub.com/a/b/v2\tv2.3.0\th1:y=",
        "dep\tgithub.com/a/b/sub\tv0.1.0\th1:z=",
        "dep\tgopkg.in/yaml.v3\tv3.0.1\th1:w=",
        "dep\tgithub.com/old/x\tv1.0.0\t",
        "=>\tgithub.com/new/x\tv1.1.0\th1:n=",
        "dep\texample.com/local\tv0.0.0\t",
        "=>\t../local\t(devel)\t",
        "build\tGOARCH=amd64",
        "",
      ].join("\n"),
    ),
  );
  const cases: Array<[string, string, string | undefined]> = [
    ["main", "example.com/app", "(devel)"],
    ["example.com/app/cmd/app", "example.com/app", "(devel)"],
    ["example.com/app/internal/db", "example.com/app", "(devel)"],
    ["github.com/a/b", "github.com/a/b", "v1.0.0"],
    ["github.com/a/b/internal/x", "github.com/a/b", "v1.0.0"],
    ["github.com/a/b/v2", "github.com/a/b/v2", "v2.3.0"],
    ["github.com/a/b/v2/pkg", "github.com/a/b/v2", "v2.3.0"],
    ["github.com/a/b/sub/deep", "github.com/a/b/sub", "v0.1.0"],
    ["github.com/a/bc", "unknown", undefined],
    ["gopkg.in/yaml.v3", "gopkg.in/yaml.v3", "v3.0.1"],
    ["github.com/old/x/y", "github.com/old/x", "=> github.com/new/x v1.1.0"],
    ["example.com/local", "example.com/local", "=> ../local"],
    ["runtime", "std", undefined],
    ["internal/runtime/maps", "std", undefined],
    ["vendor/golang.org/x/net/idna", "std", undefined],
  ];
  for (const [pkg, path, version] of cases) assert.deepEqual(resolve(pkg), version === undefined ? { path } : { path, version }, pkg);
});

test("moduleResolver without build info: std by path shape, everything else unknown", () => {
  const resolve = moduleResolver(undefined);
  assert.deepEqual(resolve("fmt"), { path: "std" });
  assert.deepEqual(resolve("github.com/x/y"), { path: "unknown" });
  assert.deepEqual(resolve("main"), { path: "unknown" });
});

test("a main module without a dot in its path is still the main module, not std", () => {
  const resolve = moduleResolver(info("path\tmyapp\nmod\tmyapp\t(devel)\t\n"));
  assert.deepEqual(resolve("myapp/internal/x"), { path: "myapp", version: "(devel)" });
  assert.deepEqual(resolve("main"), { path: "myapp", version: "(devel)" });
});
