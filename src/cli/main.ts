/** The slimgo command line: check and plan a spec offline, verify a binary, print the spec's JSON Schema. */
import { parseArgs } from "node:util";
import { GoModError } from "../gomod/index.js";
import { ElfError } from "../elf/index.js";
import { PlatformError } from "../plan/index.js";
import { SpecErrors } from "../spec/index.js";
import { loadProject } from "./project.js";
import { specJsonSchema } from "./schema.js";
import { sizeCommand } from "./size.js";
import { verifyFile } from "./verify.js";

const USAGE = `usage: slimgo <command> [options]

commands:
  check [DIR]         validate DIR/slimgo.yaml and go.mod exactly as the frontend does (no build)
  plan [DIR]          print the build plan as JSON
  verify FILE         inspect a binary: static or dynamic, loader and libraries, architecture, Go build info
  size FILE           bytes per module and package of a Go binary (a tree on a terminal)
  size --image REF    the same for an image's entrypoint binary, plus the image's largest files
  schema              print the JSON Schema of slimgo.yaml

options:
  -f, --file FILE     spec file, relative to DIR (default slimgo.yaml)
  --platform LIST     target platforms, e.g. linux/amd64,linux/arm64 (check, plan)
  --arch ARCH         verify: fail unless the binary is for ARCH
  --static            verify: fail unless the binary is static
  --json              verify, size: print the report as JSON
  --top N             size: list the N largest modules and packages (default 10)
  --image REF         size: read the image with \`docker save REF\`
  -h, --help          show this help
`;

/** Runs one command; returns the process exit code (0 ok, 1 problems found, 2 usage), a promise for commands that wait on docker. */
export function run(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): number | Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        file: { type: "string", short: "f", default: "slimgo.yaml" },
        platform: { type: "string" },
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
      case "check": {
        const { plan } = loadProject({ dir: target ?? ".", specFile: values.file, ...(values.platform ? { platforms: values.platform } : {}) });
        out(`${values.file}: ok (builds ${plan.main} as ${plan.binaryName} with ${plan.builderImage}${plan.cgo ? `, cgo ${plan.link}` : ""})\n`);
        return 0;
      }
      case "plan": {
        const { plan } = loadProject({ dir: target ?? ".", specFile: values.file, ...(values.platform ? { platforms: values.platform } : {}) });
        out(`${JSON.stringify(plan, null, 2)}\n`);
        return 0;
      }
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
        return sizeCommand(target, { ...(values.image ? { image: values.image } : {}), json: values.json ?? false, top, tree: tty, colour }, out, err);
      }
      case "schema":
        out(`${JSON.stringify(specJsonSchema(), null, 2)}\n`);
        return 0;
      default:
        err(`slimgo: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof SpecErrors || e instanceof GoModError || e instanceof PlatformError || e instanceof ElfError) {
      err(`${e.message}\n`);
      return 1;
    }
    if (e instanceof Error && "code" in e && (e as NodeJS.ErrnoException).code === "ENOENT") {
      err(`slimgo: ${(e as NodeJS.ErrnoException).path}: no such file\n`);
      return 1;
    }
    throw e;
  }
}
