/**
 * slimgo.yaml inputs: random specs built from the field table (valid,
 * misspelled and mistyped values, targets with includes), and hostile YAML
 * that reaches the parser's worst cases on purpose.
 */
import { SPEC_FIELDS, type FieldType } from "../../src/spec/fields.js";
import type { Rng } from "../prng.js";

const SAMPLES: Readonly<Record<string, readonly string[]>> = {
  main: [".", "./cmd/api", "./cmd/worker", "cmd/api", "../outside", "./a/.../b", "/abs", "./cmd//x/", "example.com/x", ".\\\\cmd"],
  name: ["server", "api", "a/b", "", ".", "..", "x\\u0001y", "a".repeat(300)],
  go: ["1.24", "1.24.3", "1.22", "go1.22", "1.x", "1.25rc1", "2.0", "1.0"],
  builder: ["golang:1.24-bookworm", "golang:1.22", "UPPER:tag", "registry.example:5000/go@sha256:" + "a".repeat(64), "bad ref", ""],
  link: ["dynamic", "static", "shared", ""],
  ldflags: ["-X main.version=${VERSION}", "${UNKNOWN}", "${", "-X main.p=${TARGETOS}/${TARGETARCH}", "-s", "$${VERSION}", "${VERSION"],
  base: ["static", "scratch", "distroless", "alpine:3.20", "gcr.io/distroless/static:nonroot", "Bad Ref", "docker.io/library/debian:bookworm-slim"],
  user: ["65532:65532", "root", "1000", "a:b:c", ":", "nonroot:nonroot"],
  workdir: ["/", "/app", "relative", "/a/../b", ""],
  compress: ["none", "upx", "gzip"],
  description: ["the API", "", "x".repeat(200)],
};
const WORDS = ["api", "worker", "all", "cli", "svc", "Api", "a-b", "a.b", "a_b", "0x", "-x", "ab c", "äpi", "", "main"];
const PORTS = ["8080", "\"53/udp\"", "0", "70000", "\"x/tcp\"", "-1", "1.5", "\"8080/sctp\"", "\"80-90\"", "null"];
const WRONG = ["5", "true", "null", "[a, b]", "{a: 1}", "\"\"", "~", "0x1F", "1e9", ".inf", "!!binary aGVsbG8="];

function scalar(rng: Rng, field: string): string {
  const samples = SAMPLES[field];
  if (samples !== undefined && rng.chance(0.8)) return JSON.stringify(rng.pick(samples));
  return rng.chance(0.5) ? rng.pick(WRONG) : JSON.stringify(rng.pick(WORDS));
}

function value(rng: Rng, field: string, type: FieldType, targets: readonly string[]): string {
  if (rng.chance(0.08)) return rng.pick(WRONG);
  switch (type) {
    case "string":
      return scalar(rng, field);
    case "boolean":
      return rng.pick(["true", "false", "yes", "\"true\"", "1", "null", "on"]);
    case "string list": {
      const pool = field === "include" ? [...targets, ...WORDS] : field === "tags" ? ["netgo", "osusergo", "a b", "", "x,y"] : WORDS;
      return `[${Array.from({ length: rng.int(4) }, () => JSON.stringify(rng.pick(pool.length > 0 ? pool : WORDS))).join(", ")}]`;
    }
    case "string map": {
      const keys = field === "buildEnv" ? ["GOFLAGS", "CGO_ENABLED", "GOOS", "1BAD", "A B", "GOPROXY"] : field === "labels" ? ["org.opencontainers.image.title", "a", "", "a b"] : ["FOO", "PATH", "1X", "A=B", "lower"];
      return `{${Array.from({ length: rng.int(4) }, () => `${JSON.stringify(rng.pick(keys))}: ${rng.chance(0.8) ? JSON.stringify(rng.pick(WORDS)) : rng.pick(WRONG)}`).join(", ")}}`;
    }
    case "port list":
      return `[${Array.from({ length: rng.int(4) }, () => rng.pick(PORTS)).join(", ")}]`;
    case "file list": {
      const entry = () => {
        const parts = [
          rng.chance(0.9) ? `src: ${rng.pick(["config/app.conf", "../etc/passwd", "/abs", "dir/", "", "a\\\\b"])}` : "",
          rng.chance(0.9) ? `dest: ${rng.pick(["/etc/app/", "/app/x.conf", "relative", "/", ""])}` : "",
          rng.chance(0.5) ? `mode: ${rng.pick(["\"0640\"", "0644", "\"999\"", "\"u+x\"", "420"])}` : "",
          rng.chance(0.5) ? `owner: ${rng.pick(["\"65532:65532\"", "\"root\"", "0", "\"1:2:3\""])}` : "",
        ].filter(Boolean);
        return `{${parts.join(", ")}}`;
      };
      return `[${Array.from({ length: rng.int(3) }, entry).join(", ")}]`;
    }
    case "size policy":
      return `{${[
        rng.chance(0.7) ? `budget: ${rng.pick(["12MB", "1.5 MiB", "0", "-1", "12XB", "99999999999999999999GB", "12"])}` : "",
        rng.chance(0.5) ? `warnModuleShare: ${rng.pick(["25%", "0.25", "150%", "-1%", "x"])}` : "",
        rng.chance(0.1) ? "extra: 1" : "",
      ]
        .filter(Boolean)
        .join(", ")}}`;
    case "healthcheck":
      return `{${[
        rng.chance(0.8) ? `test: ${rng.pick(['["/app", "-health"]', '"curl -f http://x"', "[]", '["CMD", "x"]', "5"])}` : "",
        rng.chance(0.5) ? `interval: ${rng.pick(["30s", "1m30s", "0s", "-1s", "x", "99999h"])}` : "",
        rng.chance(0.4) ? `retries: ${rng.pick(["3", "0", "-1", "1e9", "x"])}` : "",
        rng.chance(0.1) ? "extra: 1" : "",
      ]
        .filter(Boolean)
        .join(", ")}}`;
  }
}

/** A field name: mostly real, sometimes misspelled or unknown. */
function fieldName(rng: Rng, name: string): string {
  if (rng.chance(0.9)) return name;
  const i = rng.int(name.length);
  return rng.pick([name.slice(0, i) + name.slice(i + 1), name.toUpperCase(), `${name}s`, "targets", "unknown"]);
}

function fields(rng: Rng, where: "top" | "target", targets: readonly string[], indent: string): string[] {
  const eligible = SPEC_FIELDS.filter((f) => rng.chance(0.05) || (where === "top" ? f.scope !== "target" : f.scope !== "shared"));
  const chosen = Array.from({ length: rng.int(where === "top" ? 6 : 4) }, () => rng.pick(eligible));
  return chosen.map((f) => `${indent}${fieldName(rng, f.name)}: ${value(rng, f.name, f.type, targets)}`);
}

/** A random spec from the field table, sometimes with targets. */
export function randomSpec(rng: Rng): string {
  const lines = [rng.chance(0.9) ? "# syntax=slimgo:dev" : "# no syntax line"];
  const targets = rng.chance(0.5) ? Array.from({ length: rng.range(1, 5) }, () => rng.pick(WORDS)) : [];
  lines.push(...fields(rng, "top", targets, ""));
  if (targets.length > 0) {
    lines.push("targets:");
    for (const t of targets) {
      lines.push(`  ${JSON.stringify(t)}:`);
      lines.push(...fields(rng, "target", targets, "    "));
      if (rng.chance(0.3)) lines.push(`    include: [${Array.from({ length: rng.range(1, 3) }, () => JSON.stringify(rng.pick([...targets, "missing"]))).join(", ")}]`);
    }
  }
  return `${lines.join(rng.chance(0.05) ? "\r\n" : "\n")}\n`;
}

const HEADER = "# syntax=slimgo:dev\n";

/** A value that refers to itself, through a sequence, a mapping or a target. */
export function aliasCycle(rng: Rng): string {
  const forms = [
    () => `x: &a [*a]\n`,
    () => `main: &a {b: *a}\n`,
    () => `env: &e {A: *e}\n`,
    () => `targets: &t\n  api: *t\n`,
    () => `targets:\n  api: &a\n    include: [*a]\n`,
    () => `tags: &l [a, [b, *l]]\n`,
    () => `&r {main: ., x: *r}\n`,
    () => `files: &f\n  - src: a\n    dest: *f\n`,
  ];
  const depth = rng.int(4);
  const body = rng.pick(forms)();
  return HEADER + (depth === 0 ? body : `targets:\n  t:\n    ${body.trimEnd().split("\n").join("\n    ")}\n`);
}

/** An alias used as a key, with or without an anchor before it. */
export function aliasKey(rng: Rng): string {
  return (
    HEADER +
    rng.pick([
      "*a : x\n",
      "? *a\n: x\n",
      "targets:\n  *a : {}\n",
      "main: &a .\n*a : y\n",
      "{*a : 1}\n",
      "env: {*b : 1}\n",
      "targets:\n  api:\n    *x : 1\n",
      "&k main: .\n*k : ./cmd/x\n",
    ])
  );
}

/** "Billion laughs": each level lists the previous one several times, so a few hundred bytes expand exponentially. */
export function nestedAliases(rng: Rng): string {
  const levels = rng.range(6, 12);
  const fanout = rng.range(4, 10);
  const lines = [HEADER.trimEnd(), `l0: &l0 [${Array.from({ length: fanout }, () => "lol").join(", ")}]`];
  for (let i = 1; i <= levels; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: fanout }, () => `*l${i - 1}`).join(", ")}]`);
  lines.push(rng.pick([`tags: *l${levels}`, `env: {X: *l${levels}}`, `targets:\n  api:\n    args: *l${levels}`, `main: *l${levels}`]));
  return `${lines.join("\n")}\n`;
}

/** Thousands of aliases of one anchor. */
export function manyAliases(rng: Rng): string {
  const n = rng.range(1000, 20000);
  const list = Array.from({ length: n }, () => "*a").join(", ");
  return HEADER + rng.pick([`main: &a ./cmd/x\ntags: [${list}]\n`, `x: &a y\nargs: [${list}]\n`, `main: &a ./x\ntargets:\n  t: {args: [${list}]}\n`]);
}

/** Names and keys of 6,000 to 30,000 characters, where did-you-mean compares them. */
export function longNames(rng: Rng): string {
  const len = rng.range(6000, 30000);
  const name = (c: string) => c.repeat(len);
  return (
    HEADER +
    rng.pick([
      () => `? ${name("a")}\n: x\n`,
      () => `targets:\n  ? ${name("a")}\n  : {main: ./cmd/a}\n  ? ${name("b")}\n  : {main: ./cmd/b}\n`,
      () => `targets:\n  ? ${name("t")}\n  : {main: ./cmd/a, include: [${name("u")}]}\n`,
      () => `targets:\n  api: {include: [${name("x")}]}\n  ? ${name("y")}\n  : {}\n`,
      () => `targets:\n  ? ${name("q")}\n  : {}\n`,
      () => `env: {${name("E")}: x}\n`,
      () => `targets:\n  ${name("v")}:\n    ${name("w")}: 1\n`,
    ])()
  );
}

/** Deep nesting of flow collections. */
export function deepNesting(rng: Rng): string {
  const depth = rng.range(500, 20000);
  const [open, close] = rng.pick([["[", "]"], ["{a: ", "}"], ["- ", ""]] as const);
  if (open === "- ") return `${HEADER}tags:\n${Array.from({ length: Math.min(depth, 2000) }, (_, i) => `${" ".repeat(i)}- `).join("\n")}x\n`;
  return `${HEADER}tags: ${open.repeat(depth)}x${close.repeat(depth)}\n`;
}

/** Many targets, many includes, or one huge value. */
export function bigDocument(rng: Rng): string {
  const n = rng.range(500, 10000);
  return rng.pick([
    () => `${HEADER}targets:\n${Array.from({ length: n }, (_, i) => `  t${i}: {main: ./cmd/t${i}}`).join("\n")}\n`,
    () => `${HEADER}targets:\n  all: {include: [${Array.from({ length: n }, (_, i) => `t${i}`).join(", ")}]}\n${Array.from({ length: n }, (_, i) => `  t${i}: {}`).join("\n")}\n`,
    () => `${HEADER}ldflags: ${"-X a.b=c ".repeat(n * 10)}\n`,
    () => `${HEADER}targets:\n${Array.from({ length: Math.min(n, 2000) }, (_, i) => `  t${i}: {include: [t${(i + 1) % Math.min(n, 2000)}]}`).join("\n")}\n`,
    () => `${HEADER}env:\n${Array.from({ length: n }, (_, i) => `  K${i}: v`).join("\n")}\n`,
  ])();
}

/** YAML features a spec rarely uses: tags, merge keys, complex keys, directives, odd encodings. */
export function yamlFeatures(rng: Rng): string {
  return rng.pick([
    `%YAML 1.1\n---\nmain: .\n`,
    `%TAG ! tag:example.com,2000:\n---\nmain: !foo .\n`,
    `base: &b {main: ., cgo: false}\ntargets:\n  api:\n    <<: *b\n`,
    `? [a, b]\n: x\n`,
    `? {a: 1}\n: x\n`,
    `main: !!binary aGVsbG8=\n`,
    `tags: !!set {a, b}\n`,
    `env: !!omap [{A: 1}, {B: 2}]\n`,
    `main: !!timestamp 2001-12-14\n`,
    `\ufeffmain: .\n`,
    `main: .\n---\nmain: ./x\n`,
    `main: |+\n  ./cmd\n\n`,
    `ldflags: >-\n  -X a=b\n  -X c=d\n`,
    `main: "\\u0000"\n`,
    `main:\t.\n`,
    `main: .\n...\n`,
    `"main": '.'\n`,
    `main: &a .\nname: *a\n`,
    `[main, .]\n`,
    `main\n`,
    `: x\n`,
    `targets: {api: null, worker: ~}\n`,
    `main: \ud800\n`,
  ]);
}

/** Tokens for the mutator. */
export const SPEC_DICTIONARY = [
  ": ", "- ", "&a ", "*a", "? ", "!!binary ", "!!set ", "<<: ", "{", "}", "[", "]", "|", ">", "---\n", "...\n", "%YAML 1.1\n",
  "#", "targets:", "include:", "\t", "\r\n", "\"", "'", "\\u0000", "${VERSION}", "\n  ", "~", "null", ",",
  ...SPEC_FIELDS.map((f) => `${f.name}: `),
];
