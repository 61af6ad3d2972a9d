import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSpec } from "../../src/spec/index.js";

const DEFAULTS = {
  main: ".",
  cgo: false,
  tags: [],
  ldflags: "",
  buildEnv: [],
  base: "static",
  user: "65532:65532",
  env: [],
  ports: [],
  args: [],
  labels: [],
  annotations: [],
  workdir: "/",
  compress: "none",
  files: [],
  include: [],
  caCerts: [],
};

test("a spec with only the syntax line is all defaults", () => {
  assert.deepEqual(parseSpec("# syntax=ghcr.io/acme/slimgo:1\n"), {
    file: "slimgo.yaml",
    spec: DEFAULTS,
    ranges: { fields: {}, firstLine: { start: { line: 1, col: 1 }, end: { line: 1, col: 31 } } },
    targets: [],
  });
});

test("an empty file is all defaults", () => {
  assert.deepEqual(parseSpec("").spec, DEFAULTS);
});

const FULL = `# syntax=slimgo:dev
main: ./cmd/api/
name: api-server
go: 1.20
builder: docker.io/library/golang:1.20-bookworm
cgo: true
tags: [netgo, osusergo, timetzdata]
ldflags: -X main.version=1.2.3
buildEnv:
  GOFLAGS: -mod=mod
  GOEXPERIMENT: ""
base: gcr.io/distroless/base-debian12@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
user: nonroot:nonroot
env:
  LOG_LEVEL: debug
  RETRIES: 010
  EMPTY:
ports:
  - 8080
  - "9090/TCP"
  - 53/udp
args: ["serve", "--addr=:8080"]
labels:
  org.opencontainers.image.source: https://github.com/acme/api
workdir: /srv
files:
  - {src: ./config//, dest: /etc/app/, mode: "0640", owner: "65532"}
  - src: LICENSE
    dest: /LICENSE
    mode: 644
description: the API
`;

test("every field decodes to its typed value, as written", () => {
  const { spec } = parseSpec(FULL);
  assert.deepEqual(spec, {
    main: "./cmd/api",
    name: "api-server",
    go: "1.20",
    builder: "docker.io/library/golang:1.20-bookworm",
    cgo: true,
    tags: ["netgo", "osusergo", "timetzdata"],
    ldflags: "-X main.version=1.2.3",
    buildEnv: [
      ["GOFLAGS", "-mod=mod"],
      ["GOEXPERIMENT", ""],
    ],
    base: "gcr.io/distroless/base-debian12@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    user: "nonroot:nonroot",
    env: [
      ["LOG_LEVEL", "debug"],
      ["RETRIES", "010"],
      ["EMPTY", ""],
    ],
    ports: ["8080/tcp", "9090/tcp", "53/udp"],
    args: ["serve", "--addr=:8080"],
    labels: [["org.opencontainers.image.source", "https://github.com/acme/api"]],
    annotations: [],
    workdir: "/srv",
    compress: "none",
    files: [
      { src: "config/", dest: "/etc/app/", mode: 0o640, owner: { user: 65532, group: 65532 } },
      { src: "LICENSE", dest: "/LICENSE", mode: 0o644 },
    ],
    description: "the API",
    include: [],
    caCerts: [],
  });
});

test("each field's range runs from its key to the last character of its value", () => {
  const { ranges } = parseSpec(FULL, "deploy/slimgo.yaml");
  const at = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, col: c1 }, end: { line: l2, col: c2 } });
  assert.deepEqual(ranges.fields.main, at(2, 1, 2, 17));
  assert.deepEqual(ranges.fields.go, at(4, 1, 4, 9));
  assert.deepEqual(ranges.fields.buildEnv, at(9, 1, 11, 19));
  assert.deepEqual(ranges.fields.ports, at(18, 1, 21, 11));
  assert.deepEqual(ranges.fields.workdir, at(25, 1, 25, 14));
  assert.deepEqual(ranges.firstLine, at(1, 1, 1, 20));
});

test("the file name is kept for later errors", () => {
  assert.equal(parseSpec("main: ./cmd/x\n", "build/app.yaml").file, "build/app.yaml");
});

test("main is cleaned to the spelling go build expects", () => {
  const cases: Array<[string, string]> = [
    ["./", "."],
    [".", "."],
    ["./cmd//api/", "./cmd/api"],
    ["./cmd/./api", "./cmd/api"],
  ];
  for (const [written, cleaned] of cases) assert.equal(parseSpec(`main: "${written}"\n`).spec.main, cleaned, written);
});

test("an empty value means the default", () => {
  const { spec, ranges } = parseSpec("main:\nenv:\n  # FOO: bar\nports: []\n");
  assert.equal(spec.main, ".");
  assert.deepEqual(spec.env, []);
  assert.deepEqual(spec.ports, []);
  assert.equal(ranges.fields.main, undefined);
});

test("anchors and aliases resolve", () => {
  const { spec } = parseSpec("env:\n  A: &v shared\nlabels:\n  b: *v\n");
  assert.deepEqual(spec.labels, [["b", "shared"]]);
});
