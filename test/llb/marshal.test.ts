import assert from "node:assert/strict";
import { test } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { DefinitionSchema, MountType, OpSchema } from "../../src/gen/pb/ops_pb.js";
import { copy, definitionDigests, digestOf, headDigest, image, local, marshal, scratch, SourceFile } from "../../src/llb/index.js";
import { amd64, execs, files, hex, ops, sources } from "./helpers.js";

const GOLANG_SOURCE_HEX =
  "520e0a05616d64363412056c696e75785a001a2e0a2c646f636b65722d696d6167653a2f2f" +
  "646f636b65722e696f2f6c6962726172792f676f6c616e673a312e3234";

test("golden vector: golang:1.24 image source on linux/amd64", () => {
  const def = marshal(image("golang:1.24"), { platform: amd64 });
  const first = def.def[0];
  assert.ok(first);
  assert.equal(hex(first), GOLANG_SOURCE_HEX);
  assert.equal(digestOf(first), "sha256:114d1f0c16923ab7b8bd71d01d507e7c37761b639167bf48890ea316b50fe692");
  assert.equal(digestOf(Buffer.from(GOLANG_SOURCE_HEX, "hex")), "sha256:114d1f0c16923ab7b8bd71d01d507e7c37761b639167bf48890ea316b50fe692");
});

test("golden vector: local://dockerfile as dockerui loads it, and its terminal op", () => {
  const st = local("dockerfile", {
    sessionId: "sess123",
    followPaths: ["slimgo.yaml", "slimgo.yaml.dockerignore"],
    sharedKeyHint: "dockerfile",
    differ: "none",
  });
  assert.deepEqual(definitionDigests(marshal(st)), [
    "sha256:74b87fd9c43ec36a8d48df6edf1aa0662d3134d1a0daf7e6ad8a5b65dc53e1e1",
    "sha256:5a4f59de6794e02da2b62ef90ade8aab8121d9f18d52455187994ac4deb743d3",
  ]);
});

test("map entries are written in sorted key order", () => {
  const st = local("ctx", {
    sessionId: "s",
    sharedKeyHint: "h",
    excludePatterns: ["x"],
    includePatterns: ["y"],
    followPaths: ["z"],
    differ: "none",
    customName: "load",
  });
  const def = marshal(st);
  const [src] = sources(def);
  const keys = Object.keys(src?.attrs ?? {});
  assert.deepEqual(keys, [
    "local.differ",
    "local.excludepatterns",
    "local.followpaths",
    "local.includepattern",
    "local.session",
    "local.sharedkeyhint",
  ]);
  const digests = Object.keys(def.metadata);
  assert.deepEqual(digests, [...digests].sort());
  const caps = Object.keys(def.metadata[definitionDigests(def)[0] ?? ""]?.caps ?? {});
  assert.deepEqual(caps, [
    "source.local",
    "source.local.excludepatterns",
    "source.local.followpaths",
    "source.local.includepatterns",
    "source.local.sessionid",
    "source.local.sharedkeyhint",
  ]);
  assert.equal(src?.attrs["local.includepattern"], '["y"]');
});

test("exec mounts are sorted by dest; outputs skip read-only, cache and tmpfs; inputs are deduplicated", () => {
  const ctx = local("ctx", { sessionId: "s" });
  const st = image("alpine:3.20")
    .run({
      args: ["x"],
      mounts: [
        { dest: "/z" },
        { dest: "/src", source: ctx, readonly: true },
        { dest: "/cache", cache: { id: "c", sharing: "locked" } },
        { dest: "/a", source: ctx },
        { dest: "/tmp", tmpfs: { size: 1024 } },
      ],
    })
    .root();
  const [exec] = execs(marshal(st, { platform: amd64 }));
  assert.ok(exec);
  assert.deepEqual(
    exec.mounts.map((m) => [m.dest, Number(m.input), Number(m.output), m.readonly, m.mountType]),
    [
      ["/", 0, 0, false, MountType.BIND],
      ["/a", 1, 1, false, MountType.BIND],
      ["/cache", -1, -1, false, MountType.CACHE],
      ["/src", 1, -1, true, MountType.BIND],
      ["/tmp", -1, -1, false, MountType.TMPFS],
      ["/z", -1, 2, false, MountType.BIND],
    ],
  );
  assert.equal(exec.mounts[2]?.cacheOpt?.sharing, 2);
  assert.equal(exec.mounts[4]?.TmpfsOpt?.size, 1024n);
  const op = ops(marshal(st, { platform: amd64 })).find((o) => o.op.case === "exec");
  assert.equal(op?.inputs.length, 2);
});

test("def order: inputs before dependents, one entry per digest, terminal last with only the head input", () => {
  const base = image("golang:1.24");
  const again = image("golang:1.24");
  const a = base.run({ args: ["a"] }).root();
  const b = again.run({ args: ["a"] }).root();
  const def = marshal(scratch().file(copy(a, "/x", "/x").copy(b, "/x", "/y")), { platform: amd64 });
  const kinds = ops(def).map((o) => o.op.case ?? "terminal");
  assert.deepEqual(kinds, ["source", "exec", "file", "terminal"]);
  const digests = definitionDigests(def);
  const terminal = ops(def).at(-1);
  assert.deepEqual(
    terminal?.inputs.map((i) => [i.digest, i.index]),
    [[digests[2], 0n]],
  );
  assert.equal(terminal?.platform, undefined);
  assert.equal(terminal?.constraints, undefined);
  const [fileOp] = files(def);
  assert.deepEqual(
    fileOp?.actions.map((x) => [x.input, x.secondaryInput, x.output]),
    [
      [-1n, 0n, -1n],
      [1n, 0n, 0n],
    ],
  );
});

test("default PATH: written only when caps are given and lack exec.meta.setsdefaultpath", () => {
  const st = image("golang:1.24").run({ args: ["go"] }).root();
  const envOf = (caps?: ReadonlySet<string>) => execs(marshal(st, { platform: amd64, ...(caps ? { caps } : {}) }))[0]?.meta?.env;
  assert.deepEqual(envOf(), []);
  assert.deepEqual(envOf(new Set(["exec.meta.setsdefaultpath"])), []);
  assert.deepEqual(envOf(new Set(["exec.meta.base"])), ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]);
  const def = marshal(st, { platform: amd64, caps: new Set(["exec.meta.setsdefaultpath"]) });
  const execDigest = definitionDigests(def)[1] ?? "";
  assert.deepEqual(Object.keys(def.metadata[execDigest]?.caps ?? {}), ["exec.meta.base", "exec.meta.setsdefaultpath", "exec.mount.bind"]);
});

test("the terminal op's metadata names the meta caps some op used", () => {
  const st = image("golang:1.24", { customName: "pull" }).run({ args: ["go"], ignoreCache: true }).root();
  const def = marshal(st, { platform: amd64 });
  const digests = definitionDigests(def);
  const terminal = def.metadata[digests.at(-1) ?? ""];
  assert.deepEqual(Object.keys(terminal?.caps ?? {}), ["constraints", "meta.description", "meta.ignorecache", "platform"]);
  assert.deepEqual(def.metadata[digests[0] ?? ""]?.description, { "llb.customname": "pull" });
  assert.equal(def.metadata[digests[1] ?? ""]?.ignoreCache, true);
});

test("source map: one info per distinct file, locations keyed by op digest, an empty entry for every op", () => {
  const file = new SourceFile("slimgo.yaml", new TextEncoder().encode("a: 1\n"), "YAML");
  const st = image("golang:1.24")
    .run({ args: ["go"], source: { file, ranges: [{ start: { line: 1, character: 0 }, end: { line: 1, character: 4 } }] } })
    .root();
  const def = marshal(st, { platform: amd64 });
  const [img, exec] = definitionDigests(def);
  assert.equal(def.Source?.infos.length, 1);
  assert.equal(def.Source?.infos[0]?.filename, "slimgo.yaml");
  assert.equal(def.Source?.locations[img ?? ""]?.locations.length, 0);
  const loc = def.Source?.locations[exec ?? ""]?.locations[0];
  assert.equal(loc?.sourceIndex, 0);
  assert.equal(loc?.ranges[0]?.start?.line, 1);
  assert.equal(loc?.ranges[0]?.end?.character, 4);
  assert.equal(Object.keys(def.Source?.locations ?? {}).length, 2);
});

test("round trip: the Definition decodes and re-encodes to the same bytes", () => {
  const st = image("golang:1.24").run({ args: ["go"], mounts: [{ dest: "/c", cache: { id: "c", sharing: "private" } }] }).root();
  const def = marshal(st, { platform: amd64 });
  const bytes = toBinary(DefinitionSchema, def);
  assert.equal(hex(toBinary(DefinitionSchema, fromBinary(DefinitionSchema, bytes))), hex(bytes));
});

test("ops put the oneof body after platform and constraints, unlike a plain protobuf-es encode", () => {
  const def = marshal(image("golang:1.24").run({ args: ["go"] }).root(), { platform: amd64 });
  for (const bytes of def.def.slice(0, -1)) {
    const op = fromBinary(OpSchema, bytes);
    const plain = toBinary(OpSchema, create(OpSchema, op));
    assert.notEqual(hex(plain), hex(bytes), "protobuf-es alone would order fields by number");
    assert.equal(plain.length, bytes.length);
  }
  const exec = def.def[1];
  assert.ok(exec);
  // inputs (0a), platform (52), constraints (5a 00), then exec (12).
  assert.equal(exec[0], 0x0a);
  const afterInput = 2 + (exec[1] ?? 0);
  assert.equal(exec[afterInput], 0x52);
  const afterPlatform = afterInput + 2 + (exec[afterInput + 1] ?? 0);
  assert.deepEqual([...exec.subarray(afterPlatform, afterPlatform + 3)], [0x5a, 0x00, 0x12]);
});

test("local sources without a session get local.unique from the marshal options (or a random id)", () => {
  const st = local("ctx");
  const [src] = sources(marshal(st, { localUniqueId: "fixed" }));
  assert.equal(src?.attrs["local.unique"], "fixed");
  const [r1] = sources(marshal(st));
  const [r2] = sources(marshal(st));
  assert.match(r1?.attrs["local.unique"] ?? "", /^[0-9a-z]{25}$/);
  assert.notEqual(r1?.attrs["local.unique"], r2?.attrs["local.unique"]);
});

test("marshal is pure: the same state marshals independently under different options", () => {
  const st = image("golang:1.24").run({ args: ["go"] }).root();
  const arm = { os: "linux", architecture: "arm64" } as const;
  const first = hex(toBinary(DefinitionSchema, marshal(st, { platform: amd64 })));
  const other = marshal(st, { platform: arm, caps: new Set(["exec.meta.base"]) });
  assert.equal(execs(other)[0]?.meta?.env.length, 1);
  assert.equal(ops(other)[0]?.platform?.Architecture, "arm64");
  assert.equal(hex(toBinary(DefinitionSchema, marshal(st, { platform: amd64 }))), first);
});

test("headDigest names the op the terminal points at", () => {
  const def = marshal(image("golang:1.24").run({ args: ["go"] }).root(), { platform: amd64 });
  assert.equal(headDigest(def), definitionDigests(def)[1]);
  assert.equal(headDigest(marshal(scratch())), undefined);
});

test("a mount's content-cache choice is written only for a daemon that knows it, with its capability", () => {
  const base = image("golang:1.24");
  const st = base.run({ args: ["true"], mounts: [{ dest: "/deps", source: base, readonly: true, contentCache: "off" }] }).root();
  const mount = (caps?: Set<string>) => {
    const def = marshal(st, { platform: amd64, ...(caps ? { caps } : {}) });
    const exec = execs(def)[0];
    const caps_ = Object.values(def.metadata).flatMap((m) => Object.keys(m.caps));
    return [exec?.mounts.find((m) => m.dest === "/deps")?.contentCache, caps_.includes("exec.mount.cache.content")];
  };
  assert.deepEqual(mount(new Set(["exec.mount.cache.content"])), [2, true]); // MountContentCache.OFF
  assert.deepEqual(mount(new Set()), [0, false]);
  assert.deepEqual(mount(), [2, true]);
});
