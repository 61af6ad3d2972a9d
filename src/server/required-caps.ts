/** The gateway and LLB features slimgo cannot build without, checked once after Ping. */
import type { Caps } from "../gateway/llb-bridge.js";
import { LaunchError } from "../gateway/options.js";

const FRONTEND_CAPS: ReadonlyArray<[string, string]> = [
  ["solve.base", "Solve"],
  ["readfile", "ReadFile"],
  ["readdir", "ReadDir"],
  ["resolveimage", "ResolveImageConfig"],
  ["return", "Return"],
  ["proto.refarray", "result refs"],
];

const LLB_CAPS: ReadonlyArray<[string, string]> = [
  ["file.base", "file operations"],
  ["exec.mount.cache", "cache mounts"],
  ["exec.mount.bind", "bind mounts"],
  ["exec.meta.network", "per-step network modes"],
  ["source.local.includepatterns", "local include patterns"],
  ["source.local.followpaths", "local follow paths"],
];

/** Throws one message naming every missing feature and the fix. Docker 20.10 (BuildKit v0.8) builds and runs examples/hello: `make compat`. */
export function checkCaps(caps: Caps, product: string): void {
  const missing = [
    ...FRONTEND_CAPS.filter(([id]) => !caps.frontend.has(id)),
    ...LLB_CAPS.filter(([id]) => !caps.llb.has(id)),
  ];
  if (missing.length === 0) return;
  const list = missing.map(([id, what]) => `${what} (${id})`).join(", ");
  throw new LaunchError(`this ${product} BuildKit lacks features slimgo needs: ${list}; upgrade to BuildKit 0.8 or later (Docker 20.10+)`);
}
