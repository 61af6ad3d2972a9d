/** The slimgo command line: check and plan a spec offline, verify a binary, print the spec's JSON Schema. */
import { parseArgs } from "node:util";
import { GoModError } from "../gomod/index.js";
import { ElfError } from "../elf/index.js";
import { PlatformError } from "../plan/index.js";
import { SpecErrors } from "../spec/index.js";
import { LlbError, toDot } from "../llb/index.js";
import { buildCommand } from "./build.js";
import { buildsCommand } from "./builds.js";
import { serveCommand } from "./serve.js";
import { definitionsJson, planDefinitions } from "./graph.js";
import { InitError, initSpec } from "./init.js";
import { FileTooLargeError } from "../gateway/reply-errors.js";
import { MissingFileError } from "../server/project-source.js";
import { checkCommand } from "./check.js";
import { type ProjectOptions, loadProject } from "./project.js";
import { specJsonSchema } from "./schema.js";
import { sizeCommand } from "./size.js";
import { verifyFile } from "./verify.js";

const USAGE = `usage: slimgo <command> [options]

commands:
  build [DIR]         build on a BuildKit node, slimgo's frontend in this process (slimgo build --help);
                      with --server URL, on a slimgo serve build service
  builds list|show ID|watch ID|cancel ID
                      your builds on a slimgo serve service (slimgo builds --help)
  serve --config FILE run the build service: a queue in front of a pool of BuildKit nodes (docs/serve.md)
  init [DIR]          write a commented slimgo.yaml from go.mod and the main packages found
  check [DIR]         validate DIR/slimgo.yaml and go.mod exactly as the frontend does (no build);
                      every target is checked, and cgo use with the local Go's go list
  plan [DIR]          print the build plan as JSON (--llb: the LLB as JSON, --dot: as Graphviz)
  verify FILE         inspect a binary: static or dynamic, loader and libraries, architecture, Go build info
  size FILE           bytes per module and package of a Go binary (a tree on a terminal)
  size --image REF    the same for an image's entrypoint binary, plus the image's largest files
  schema              print the JSON Schema of slimgo.yaml

options:
  -f, --file FILE     spec file, relative to DIR (default slimgo.yaml)
  --target NAME       the target to plan (default: the first)
  --build-arg K=V     a build arg, as docker buildx build --build-arg (repeatable)
  --platform LIST     target platforms, e.g. linux/amd64,linux/arm64 (check, plan)
  --llb, --dot        plan: print the LLB graph instead of the plan
  --syntax REF        init: the frontend image for the # syntax= line (default slimgo:dev)
  --force             init: replace an existing spec
  --arch ARCH         verify: fail unless the binary is for ARCH
  --static            verify: fail unless the binary is static
  --json              verify, size: print the report as JSON
  --top N             size: list the N largest modules and packages (default 10)
  --image REF         size: read the image with \`docker save REF\`
  -h, --help          show this help
`;

/** Runs one command; returns the process exit code (0 ok, 1 problems found, 2 usage), a promise for commands that wait on docker. */
export function run(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): number | Promise<number> {
  // build has buildx's flags, parsed on their own.
  if (argv[0] === "build") return buildCommand(argv.slice(1), { out, err, progress: process.stderr, env: process.env, cwd: process.cwd(), stdin: process.stdin, stdout: process.stdout });
  if (argv[0] === "builds") return buildsCommand(argv.slice(1), { out, err, progress: process.stderr, env: process.env });
  if (argv[0] === "serve") return serveCommand(argv.slice(1), { out, err, env: process.env }).catch((e: unknown) => failed(e, err));
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        file: { type: "string", short: "f", default: "slimgo.yaml" },
        platform: { type: "string" },
        target: { type: "string" },
        "build-arg": { type: "string", multiple: true },
        llb: { type: "boolean" },
        dot: { type: "boolean" },
        syntax: { type: "string", default: "slimgo:dev" },
        force: { type: "boolean" },
        arch: { type: "string" },
        static: { type: "boolean" },
        json: { type: "boolean" },
        top: { type: "string" },
        image: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    err(`slimgo: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, target] = positionals;
  if (values.help || command === undefined) {
    (values.help ? out : err)(USAGE);
    return values.help ? 0 : 2;
  }
  try {
    switch (command) {
      case "init": {
        const written = initSpec({ dir: target ?? ".", specFile: values.file, syntax: values.syntax, force: values.force === true });
        out(`wrote ${written.path} (${written.mains.length === 1 ? `main: ${written.mains[0]}` : `${written.mains.length} targets: ${written.mains.join(", ")}`})\n`);
        return 0;
      }
      case "check":
        return checkCommand(projectOptions(values, target), out, err).catch((e: unknown) => failed(e, err));
      case "plan":
        return planCommand(projectOptions(values, target), { llb: values.llb === true, dot: values.dot === true }, out).catch((e: unknown) => failed(e, err));
      case "verify":
        if (target === undefined) {
          err(`slimgo: verify needs a FILE\n\n${USAGE}`);
          return 2;
        }
        return verifyFile(target, { ...(values.arch ? { arch: values.arch } : {}), ...(values.static ? { static: true } : {}), ...(values.json ? { json: true } : {}) }, out);
      case "size": {
        const top = values.top === undefined ? 10 : Number(values.top);
        if ((target === undefined) === (values.image === undefined) || !Number.isInteger(top) || top < 1) {
          err(`slimgo: size needs a FILE or --image REF${Number.isInteger(top) && top >= 1 ? "" : ", and --top a whole number ≥ 1"}\n\n${USAGE}`);
          return 2;
        }
        const tty = process.stdout.isTTY === true && !values.json;
        const colour = tty && process.env["NO_COLOR"] === undefined;
        return sizeCommand(target, { ...(values.image ? { image: values.image } : {}), json: values.json ?? false, top, tree: tty, colour }, out, err).catch((e: unknown) =>
          failed(e, err),
        );
      }
      case "schema":
        out(`${JSON.stringify(specJsonSchema(), null, 2)}\n`);
        return 0;
      default:
        err(`slimgo: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    return failed(e, err);
  }
}

/** `slimgo plan`: the plan as JSON, or its LLB as JSON or Graphviz. */
async function planCommand(opts: ProjectOptions, show: { llb: boolean; dot: boolean }, out: (s: string) => void): Promise<number> {
  const project = await loadProject(opts);
  const { plan } = project;
  if (show.llb || show.dot) {
    const defs = planDefinitions(project, await project.readGoHeaders());
    out(show.dot ? toDot(defs, plan.target ?? plan.binaryName) : definitionsJson(defs));
  } else {
    out(`${JSON.stringify(plan, null, 2)}\n`);
  }
  return 0;
}

/**
 * Prints why a command failed and returns its exit code: a problem in the
 * user's files as its located message, anything else as one line asking for a
 * report, never a stack trace (SLIMGO_DEBUG=1 adds it).
 */
export function failed(e: unknown, err: (s: string) => void): number {
  if (
    e instanceof SpecErrors || e instanceof GoModError || e instanceof PlatformError || e instanceof ElfError || e instanceof LlbError || e instanceof InitError || e instanceof UsageError ||
    e instanceof MissingFileError || e instanceof FileTooLargeError
  ) {
    err(`${e.message}\n`);
    return 1;
  }
  const code = e instanceof Error ? (e as NodeJS.ErrnoException).code : undefined;
  if (code !== undefined && /^E[A-Z]+$/.test(code)) {
    const path = (e as NodeJS.ErrnoException).path;
    err(`slimgo: ${code === "ENOENT" && path !== undefined ? `${path}: no such file` : oneLine((e as Error).message)}\n`);
    return 1;
  }
  const reason = e instanceof Error ? `${e.name === "Error" ? "" : `${e.name}: `}${e.message}` : String(e);
  err(`slimgo: internal error: ${oneLine(reason)} (this is a bug in slimgo; please report it with the command and the files it read)\n`);
  if (process.env["SLIMGO_DEBUG"] && e instanceof Error && e.stack) err(`${e.stack}\n`);
  return 1;
}

// A message on one line, at most a few hundred characters.
function oneLine(s: string): string {
  const line = s.replace(/\s*\n\s*/g, " ");
  return line.length <= 300 ? line : `${line.slice(0, 300)}…`;
}

class UsageError extends Error {
  override name = "UsageError";
}

function projectOptions(
  values: { file: string; platform?: string | undefined; target?: string | undefined; "build-arg"?: string[] | undefined },
  dir: string | undefined,
): ProjectOptions {
  const buildArgs: Record<string, string> = {};
  for (const arg of values["build-arg"] ?? []) {
    const eq = arg.indexOf("=");
    if (eq <= 0) throw new UsageError(`slimgo: --build-arg ${arg}: write NAME=value`);
    buildArgs[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  return {
    dir: dir ?? ".",
    specFile: values.file,
    buildArgs,
    ...(values.platform ? { platforms: values.platform } : {}),
    ...(values.target ? { target: values.target } : {}),
  };
}
