/**
 * The frontend run against a BuildKit that misbehaves: launch environment,
 * files, build output and every reply come from a scenario. What main.ts
 * does is done here: runLaunched, with the frontend's logger. A run is fine when it
 * sends exactly one Return with a typed status (not "internal error") and
 * no planted credential reaches the log or the Return.
 */
import type { ReturnRequest } from "../../src/gen/gateway/gateway_pb.js";
import { runLaunched } from "../../src/server/launch.js";
import { frontendLogger } from "../../src/server/log.js";
import { elfFields, goLikeElf } from "../gen/elf-gen.js";
import { judgeWith } from "../located.js";
import { mutate } from "../mutate.js";
import { InvariantViolation, blame } from "../oracle.js";
import { rngFor } from "../prng.js";
import type { Family, LoadTarget } from "../target.js";
import { families, loadProjects } from "../gateway/generate.js";
import { inProcessGateway } from "../gateway/in-process.js";
import { replies } from "../gateway/replies.js";
import type { BinarySource, Scenario } from "../gateway/scenario.js";

const enc = new TextEncoder();
const decode = (b: Uint8Array) => new TextDecoder().decode(b);
/** The architectures a scenario's build asks binaries for: its platform option and its workers. */
function archesOf(s: Scenario): string[] {
  const platforms = Object.values(s.env).flatMap((v) => (v.startsWith("platform=") ? v.slice(9).split(",") : []));
  const arches = [...platforms.map((p) => p.split("/")[1] ?? ""), ...s.workers.map((w) => w.Architecture), "amd64"];
  return [...new Set(arches.filter((a) => /^[a-z0-9]+$/.test(a)))].sort();
}
const UNKNOWN = 2;
const INFO = 30;

/** The project's own error classes: one of them returned as "internal error" is one bug, in the mapping to a status, wherever it was thrown. */
const OWN = new Set(["SpecErrors", "GoModError", "ElfError", "ImageError", "LaunchError", "PlatformError", "LlbError", "UserError", "MissingFileError", "RpcError"]);

/** An error the frontend turned into "internal error", rebuilt from its debug log entry so it is keyed by its class and frame. */
function internalError(lines: readonly string[], message: string): Error {
  for (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string; err?: { type?: string; message?: string; stack?: string } };
    if (entry.msg !== "build failed" || entry.err === undefined) continue;
    const e = new Error(`${entry.err.message ?? ""} (returned as Unknown "internal error")`);
    e.name = entry.err.type ?? "Error";
    if (entry.err.stack !== undefined) e.stack = entry.err.stack;
    return OWN.has(e.name) ? blame(e, "toStatus (src/server/errors.ts), which has no status for it") : e;
  }
  return new Error(`${message} (returned as Unknown, no log entry)`);
}

/** Where a planted credential shows up: log lines at info and above, the Return's message or metadata. */
function leak(secret: string, lines: readonly string[], ret: ReturnRequest): InvariantViolation | undefined {
  for (const line of lines) {
    if (!line.includes(secret)) continue;
    const entry = JSON.parse(line) as { level?: number; msg?: string };
    if ((entry.level ?? 0) >= INFO) return new InvariantViolation("a build arg's credentials stay out of the frontend's log", `in the entry "${entry.msg ?? ""}" at level ${entry.level}`);
  }
  if (ret.error?.message.includes(secret)) return new InvariantViolation("a build arg's credentials stay out of the Return", "in the error message");
  for (const [k, v] of Object.entries(ret.result?.metadata ?? {})) if (decode(v).includes(secret)) return new InvariantViolation("a build arg's credentials stay out of the Return", `in the result's ${k}`);
  return undefined;
}

export const load: LoadTarget = ({ root, goBinaries }) => {
  const seeds = { projects: loadProjects(root) };
  const seedBinaries = new Map<string, Uint8Array>();
  const seedBinary = (goarch: string): Uint8Array => {
    let b = seedBinaries.get(goarch);
    if (b === undefined) seedBinaries.set(goarch, (b = goBinaries.get(`go-${goarch}-stripped`) ?? goLikeElf(rngFor("gateway-seed", goarch), goarch)));
    return b;
  };
  const binaries = (source: BinarySource) => {
    const made = new Map<string, Uint8Array>();
    const make = (goarch: string): Uint8Array => {
      switch (source.kind) {
        case "seed":
          return seedBinary(goarch);
        case "empty":
          return new Uint8Array(0);
        case "text":
          return enc.encode(source.text);
        case "truncate":
          return seedBinary(goarch).subarray(0, source.at);
        case "mutate": {
          const seed = seedBinary(goarch);
          return mutate(rngFor("gateway-mutate", source.seed), seed, { fields: () => elfFields(seed) });
        }
        case "other-arch":
          return seedBinary(goarch === "arm64" ? "amd64" : "arm64");
        case "bytes":
          return source.base64[goarch] === undefined ? seedBinary(goarch) : new Uint8Array(Buffer.from(source.base64[goarch], "base64"));
      }
    };
    return (goarch: string): Uint8Array => {
      let b = made.get(goarch);
      if (b === undefined) made.set(goarch, (b = make(goarch)));
      return b;
    };
  };

  let waiting: ReadonlySet<string> = new Set();
  const fams: Family[] = families(seeds).map((f) => ({ name: f.name, weight: f.weight, make: (rng) => enc.encode(JSON.stringify(f.make(rng))) }));
  return {
    name: "gateway",
    ext: "json",
    families: fams,
    shrinkable: false,
    judge: judgeWith(["LaunchError"], () => new Map()),
    describeStall: () => (waiting.size === 0 ? undefined : `no reply to ${[...waiting].map((w) => w.split("#")[0]).join(", ")}`),
    materialize: (input) => {
      const s = JSON.parse(decode(input)) as Scenario;
      const binaryFor = binaries(s.binary);
      const base64 = Object.fromEntries(archesOf(s).map((a) => [a, Buffer.from(binaryFor(a)).toString("base64")]));
      return enc.encode(JSON.stringify({ ...s, binary: { kind: "bytes", base64 } }));
    },
    run: async (input) => {
      const s = JSON.parse(decode(input)) as Scenario;
      const returns: ReturnRequest[] = [];
      const inProc = inProcessGateway({
        ...replies(s, binaries(s.binary)),
        return: (req) => {
          returns.push(req);
          return {};
        },
      });
      waiting = inProc.waiting;
      const lines: string[] = [];
      const log = frontendLogger("debug", { write: (line: string) => void lines.push(line) });
      await runLaunched(inProc.gw, s.env, log);
      const ret = returns[0];
      if (returns.length !== 1 || ret === undefined) throw new InvariantViolation("the frontend sends exactly one Return", `it sent ${returns.length}`);
      if (ret.error?.code === UNKNOWN && ret.error.message.startsWith("slimgo: internal error")) throw internalError(lines, ret.error.message);
      const leaked = s.secret === undefined ? undefined : leak(s.secret, lines, ret);
      if (leaked !== undefined) throw leaked;
    },
  };
};
