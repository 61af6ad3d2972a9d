/** Scenarios from the fixture projects: clean runs, bad launch environments, bad inputs, bad build outputs and bad replies. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Rng } from "../prng.js";
import { mutateText, tokens } from "../mutate.js";
import { findFiles } from "../seeds.js";
import { GOMOD_DICTIONARY, randomGoMod } from "../gen/gomod-gen.js";
import { SPEC_DICTIONARY, randomSpec } from "../gen/spec-gen.js";
import { ALL_CAPS, type Fault, type Method, type Scenario } from "./scenario.js";

export interface Project {
  readonly name: string;
  readonly spec: string;
  readonly files: Readonly<Record<string, string>>;
}

const KEEP = new Set(["go.mod", "go.sum", "go.work", "modules.txt", ".dockerignore"]);
/** The package to build where the fixture has no slimgo.yaml. */
const MAIN: Readonly<Record<string, string>> = { replace: "./cmd/app", workspace: "./api" };

/** The fixture projects and examples, as the files BuildKit would send. */
export function loadProjects(root: string): Project[] {
  const dirs = [...new Set(findFiles(root, ["test/fixtures/projects", "examples"], (n) => n === "go.mod" || n === "go.work").map((p) => p.split("/").slice(0, p.startsWith("examples") ? 2 : 4).join("/")))].sort();
  return dirs.map((dir) => {
    const name = dir.split("/").pop() as string;
    const files: Record<string, string> = {};
    for (const p of findFiles(root, [dir], (n) => KEEP.has(n))) files[p.slice(dir.length + 1)] = readFileSync(join(root, p), "utf8");
    let spec: string;
    try {
      spec = readFileSync(join(root, dir, "slimgo.yaml"), "utf8");
    } catch {
      spec = `# syntax=slimgo:dev\nmain: ${MAIN[name] ?? "."}\n`;
    }
    return { name, spec, files };
  });
}

const SECRET = "s3cr3t-t0ken-7f1d";
const PLATFORMS = ["linux/amd64", "linux/arm64", "linux/amd64,linux/arm64", "linux/arm/v7", "linux/386", "windows/amd64", "linux", "bad//platform", "", "linux/amd64/v3", "linux/s390x"];
const WORKER_ENVS = [
  '[{"platforms":[{"os":"linux","architecture":"amd64"}]}]',
  "[null]",
  "null",
  '"x"',
  '[{"platforms":[null]}]',
  '[{"platforms":"x"}]',
  '[{"buildkitVersion":null}]',
  '[{"buildkitVersion":{"version":5}}]',
  "not json",
  "[]",
  "{}",
  '[{"platforms":[{"os":5,"architecture":[]}]}]',
];
const REQUESTS = ["frontend.outline", "frontend.targets", "frontend.lint", "frontend.subrequests.describe", "frontend.size", "frontend.bogus"];
const CACHE_IMPORTS = ['[{"Type":"registry","Attrs":{"ref":"r/c"}}]', "[null]", "{}", "not json", '[{"Type":5}]', '[{"Type":"local","Attrs":null}]', "[]"];

/** Frontend options as BuildKit passes them: BUILDKIT_FRONTEND_OPT_n=key=value. */
function options(rng: Rng, spec: string, hostile: boolean, secret: boolean): Array<[string, string]> {
  const opts: Array<[string, string]> = [["filename", "slimgo.yaml"]];
  const targets = [...spec.matchAll(/^ {2}([A-Za-z0-9_.-]+):/gm)].map((m) => m[1] as string);
  if (targets.length > 0 && rng.chance(0.5)) opts.push(["target", rng.pick(targets)]);
  if (rng.chance(0.4)) opts.push(["platform", rng.pick(hostile ? PLATFORMS : PLATFORMS.slice(0, 3))]);
  if (rng.chance(0.4)) opts.push(["build-arg:VERSION", rng.pick(["1.2.3", "", "$(id)", "a b"])]);
  if (secret) opts.push(rng.pick<[string, string]>([["build-arg:GOPROXY", `https://user:${SECRET}@proxy.example.com`], ["build-arg:HTTPS_PROXY", `http://u:${SECRET}@proxy.example.com:3128`], ["build-arg:GOPRIVATE", "example.com"]]));
  if (rng.chance(0.15)) opts.push(["label:org.example.team", "fuzz"]);
  if (rng.chance(0.1)) opts.push(["no-cache", ""]);
  if (rng.chance(0.1)) opts.push(["multi-platform", "true"]);
  if (rng.chance(0.15)) opts.push(["context:greet", "local:greet"]);
  if (rng.chance(0.2)) opts.push(["requestid", rng.pick(hostile ? REQUESTS : REQUESTS.slice(0, 5))]);
  if (hostile) {
    if (rng.chance(0.3)) opts.push(["force-network-mode", rng.pick(["host", "none", "bogus", ""])]);
    if (rng.chance(0.3)) opts.push(["image-resolve-mode", rng.pick(["pull", "local", "bogus"])]);
    if (rng.chance(0.3)) opts.push(["cache-imports", rng.pick(CACHE_IMPORTS)]);
    if (rng.chance(0.2)) opts.push(["filename", rng.pick(["missing.yaml", "", "../x.yaml"])]);
    if (rng.chance(0.2)) opts.push(["target", rng.pick(["", "nope", "x".repeat(rng.range(1, 20000))])]);
  }
  return opts;
}

function environment(rng: Rng, opts: ReadonlyArray<[string, string]>, workers: string | undefined): Record<string, string> {
  // A short deadline, so that a reply that never comes costs a fuzz input a tenth of a second, not a minute.
  const env: Record<string, string> = { BUILDKIT_SESSION_ID: "sess-fuzz", BUILDKIT_EXPORTEDPRODUCT: rng.chance(0.9) ? "buildkit" : "docker", SLIMGO_GATEWAY_TIMEOUT_MS: "100" };
  if (workers !== undefined) env["BUILDKIT_WORKERS"] = workers;
  opts.forEach(([k, v], i) => (env[`BUILDKIT_FRONTEND_OPT_${i}`] = rng.chance(0.02) ? k : `${k}=${v}`));
  return env;
}

const CODES = [1, 2, 3, 4, 5, 8, 9, 12, 13, 14];

/** One reply fault. */
function fault(rng: Rng, only?: Method): Fault {
  const method: Method = only ?? rng.pick<Method>(["ping", "solve", "readFile", "readDir", "statFile", "resolveImageConfig", "warn"]);
  const nth = rng.chance(0.3) ? "all" : rng.int(4);
  if (rng.chance(0.3)) return { method, nth, what: "error", code: rng.pick(CODES), message: rng.pick(["boom", "process \"/bin/sh -c …\" did not complete successfully: exit code: 1 go-build go build", "go mod download did not complete successfully: exit code: 2", ""]) };
  switch (method) {
    case "solve":
      return { method, nth, what: rng.pick(["empty-result", "refs-result"] as const) };
    case "readFile":
      return { method, nth, what: rng.pick(["longer", "shorter", "empty", "garbage"] as const) };
    case "statFile":
      return rng.chance(0.8) ? { method, nth, what: "size", size: rng.pick(["-1", String(2n ** 60n), "0", "1", "9007199254740993", "-9223372036854775808", "4294967296"]) } : { method, nth, what: "no-stat" };
    case "readDir":
      return { method, nth, what: "entries", entries: rng.pick([[{ path: ".", mode: 0x80000000, size: "0" }], [{ path: "..", mode: 0x80000000, size: "0" }, { path: "", mode: 0, size: "-1" }], [{ path: "a/b", mode: 0x08000000, size: "1" }], Array.from({ length: 3 }, (_, i) => ({ path: `x${i}`, mode: 0x80000000, size: "0" }))]) };
    case "resolveImageConfig":
      return { method, nth, what: "config", config: rng.pick(["garbage \u0000", "null", "[]", "5", '{"config":null}', '{"config":{"Env":"x"}}', '{"config":{"Env":[5]}}', '{"config":{"Env":[null]}}', '{"os":5,"architecture":null}', '{"config":{"User":5,"WorkingDir":[]}}', '{"config":{"ExposedPorts":"x","Labels":5}}', '{"config":{"Entrypoint":"x","Cmd":5}}', ""]) };
    case "ping":
      return rng.chance(0.5)
        ? { method, nth, what: "caps", caps: ALL_CAPS.filter(() => rng.chance(0.7)) }
        : { method, nth, what: "workers", platforms: rng.pick([[], [{ OS: "", Architecture: "" }], [{ OS: "linux", Architecture: "arm", Variant: "v99" }], [{ OS: "windows", Architecture: "amd64" }]]) };
    default:
      return { method, nth, what: "no-reply" };
  }
}

export interface Seeds {
  readonly projects: readonly Project[];
}

/** A clean run of one fixture project, which the families then spoil in one way. */
function base(rng: Rng, seeds: Seeds, o: { hostileOptions?: boolean } = {}): { -readonly [K in keyof Scenario]: Scenario[K] } {
  const p = rng.pick(seeds.projects);
  const secret = rng.chance(0.3);
  const opts = options(rng, p.spec, o.hostileOptions ?? false, secret);
  return {
    env: environment(rng, opts, rng.chance(0.8) ? (WORKER_ENVS[0] as string) : undefined),
    specFiles: { "slimgo.yaml": p.spec, ...(rng.chance(0.1) ? { "slimgo.yaml.dockerignore": "*.md\n" } : {}) },
    contextFiles: { ...p.files, ...(rng.chance(0.2) ? { ".git/HEAD": "ref: refs/heads/main\n" } : {}) },
    binary: { kind: "seed" },
    goList: rng.pick(["std net\n", "std os/user\nstd crypto/x509\n", "", "cgo example.com/x\n", "cgo-dep github.com/mattn/go-sqlite3\n"]),
    workers: [{ OS: "linux", Architecture: rng.chance(0.9) ? "amd64" : "arm64" }],
    faults: [],
    ...(secret ? { secret: SECRET } : {}),
  };
}

export function families(seeds: Seeds): Array<{ name: string; weight: number; make: (rng: Rng) => Scenario }> {
  const specDict = tokens(SPEC_DICTIONARY);
  const modDict = tokens(GOMOD_DICTIONARY);
  return [
    { name: "clean", weight: 15, make: (rng) => base(rng, seeds) },
    {
      name: "launch",
      weight: 10,
      make: (rng) => {
        const s = base(rng, seeds, { hostileOptions: true });
        return { ...s, env: { ...s.env, BUILDKIT_WORKERS: rng.pick(WORKER_ENVS) } };
      },
    },
    {
      name: "inputs",
      weight: 15,
      make: (rng) => {
        const s = base(rng, seeds);
        const which = rng.int(4);
        if (which === 0) s.specFiles = { "slimgo.yaml": rng.chance(0.5) ? randomSpec(rng) : mutateText(rng, s.specFiles["slimgo.yaml"] ?? "", { dictionary: specDict }) };
        else if (which === 1) s.contextFiles = { ...s.contextFiles, "go.mod": rng.chance(0.3) ? randomGoMod(rng) : mutateText(rng, s.contextFiles["go.mod"] ?? "module x\n", { dictionary: modDict }) };
        else if (which === 2) s.contextFiles = { ...s.contextFiles, "go.work": rng.pick(["go 1.24\nuse ./missing\n", "go 1.24\nuse ../outside\n", "use (\n", "go 1.24\nuse .\n"]) };
        else s.contextFiles = Object.fromEntries(Object.entries(s.contextFiles).filter(() => rng.chance(0.6)));
        return s;
      },
    },
    {
      name: "build-output",
      weight: 15,
      make: (rng) => {
        const s = base(rng, seeds);
        s.binary = rng.pick<Scenario["binary"]>([{ kind: "empty" }, { kind: "text", text: "#!/bin/sh\necho hi\n" }, { kind: "truncate", at: rng.int(4096) }, { kind: "mutate", seed: rng.u32() }, { kind: "other-arch" }]);
        return s;
      },
    },
    {
      name: "replies",
      weight: 30,
      make: (rng) => {
        const s = base(rng, seeds);
        s.faults = Array.from({ length: rng.range(1, 3) }, () => fault(rng));
        return s;
      },
    },
    {
      name: "image-config",
      weight: 10,
      make: (rng) => {
        const s = base(rng, seeds);
        s.faults = [fault(rng, "resolveImageConfig")];
        return s;
      },
    },
    {
      name: "stat-read",
      weight: 10,
      make: (rng) => {
        const s = base(rng, seeds);
        const f = fault(rng, rng.pick<Method>(["statFile", "readFile"]));
        // Mostly the build's output: the binary's size and its bytes, where the frontend trusts the replies most.
        const onBuild = rng.chance(0.7);
        s.faults = [f.method === "readFile" || f.method === "statFile" ? (f.what === "error" || f.what === "no-reply" ? f : { ...f, onBuild }) : f];
        return s;
      },
    },
    {
      name: "no-reply",
      weight: 3,
      make: (rng) => {
        const s = base(rng, seeds);
        const method = rng.pick<Method>(["ping", "solve", "readFile", "readDir", "statFile", "resolveImageConfig"]);
        // Ping is called once; the others several times.
        s.faults = [{ method, nth: method === "ping" ? 0 : rng.int(3), what: "no-reply" }];
        return s;
      },
    },
  ];
}
