/** Proxies and their credentials reach only the step that uses the network: the module download. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { toJsonString } from "@bufbuild/protobuf";
import { ExecOpSchema } from "../../src/gen/pb/ops_pb.js";
import { namedExecs, recipeDefinitions } from "./recipe.js";

const SECRETS = ["user:pass", "u:p@", "proxy.example", "internal.example", "sumdb.example"];
const buildArgs = {
  GOPROXY: "https://user:pass@proxy.example/go,direct",
  HTTPS_PROXY: "http://u:p@proxy.example:3128",
  HTTP_PROXY: "http://u:p@proxy.example:3128",
  NO_PROXY: "internal.example",
  https_proxy: "http://u:p@proxy.example:3128",
  GOSUMDB: "sum.golang.org https://user:pass@sumdb.example",
  GOFLAGS: "-mod=readonly",
};
const spec = "# syntax=slimgo:dev\nmain: .\nbuildEnv:\n  GOPRIVATE: internal.example/*\n  ALL_PROXY: socks5://user:pass@proxy.example\n";
const goMod = "module example.com/app\n\ngo 1.24\n";

for (const missingGoSum of [false, true]) {
  test(`the offline steps carry no proxy setting${missingGoSum ? " (go.sum computed in the build)" : ""}`, () => {
    const { defs } = recipeDefinitions({ spec, goMod, buildArgs, input: { missingGoSum } });
    const steps = defs.flatMap(namedExecs);
    const download = steps.filter((s) => s.name.startsWith("go mod download"));
    const offline = steps.filter((s) => !s.name.startsWith("go mod download"));
    assert.equal(download.length, 1);
    assert.ok(offline.length >= 4, offline.map((s) => s.name).join(", "));
    // The download step is the one that fetches: it gets them all.
    const downloadEnv = download[0]?.exec.meta?.env ?? [];
    for (const name of ["GOPROXY", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "GOSUMDB", "GOPRIVATE", "ALL_PROXY"]) {
      assert.ok(downloadEnv.some((e) => e.startsWith(`${name}=`)), `download step lacks ${name}`);
    }
    for (const step of offline) {
      const json = toJsonString(ExecOpSchema, step.exec);
      for (const secret of SECRETS) assert.ok(!json.includes(secret), `${step.name} carries ${secret}: ${json.slice(0, 400)}`);
      assert.equal(step.exec.network, 2, `${step.name} runs without network`); // pb.NetMode NONE
    }
    // GOFLAGS shapes the build, so the offline steps keep it.
    const build = offline.find((s) => s.name.startsWith("go build"));
    assert.ok(build?.exec.meta?.env.some((e) => e.startsWith("GOFLAGS=-mod=readonly")));
    assert.ok(build?.exec.meta?.env.includes("GOPROXY=off"));
  });
}
