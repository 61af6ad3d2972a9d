/** The slimgo command as users run it against the service: its own process, its own exit code. */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import type { Build } from "../../../src/gen/slimgo/v1/builds_pb.js";
import { BuildState } from "../../../src/gen/slimgo/v1/builds_pb.js";
import type { BuildsClient } from "../../../src/builds-client/builds-client.js";
import { isFinished } from "../../../src/builds-client/follow.js";
import { sleep } from "../buildkit/daemon.js";

const ROOT = resolve(import.meta.dirname, "../../..");

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `slimgo ARGS` with SLIMGO_TOKEN set, killed after `timeoutMs`. */
export function slimgo(args: readonly string[], token: string | undefined, timeoutMs = 300_000): Promise<CliRun> {
  return new Promise((ok) => {
    const env = { ...process.env };
    delete env["SLIMGO_TOKEN"];
    if (token !== undefined) env["SLIMGO_TOKEN"] = token;
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/entry.ts"), ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-200_000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    });
  });
}

/** Poll Get until every build has finished; fail naming the ones that did not within `timeoutMs`. */
export async function waitFinished(client: BuildsClient, ids: readonly string[], timeoutMs: number, onTick?: () => void): Promise<Build[]> {
  const deadline = Date.now() + timeoutMs;
  let builds: Build[] = [];
  while (Date.now() < deadline) {
    builds = await Promise.all(ids.map((id) => client.get(id)));
    onTick?.();
    if (builds.every(isFinished)) return builds;
    await sleep(500);
  }
  const open = builds.filter((b) => !isFinished(b)).map((b) => `${b.id} ${BuildState[b.state]}`);
  throw new Error(`${open.length} builds did not finish within ${timeoutMs / 1000}s: ${open.join(", ")}`);
}

/** Poll Get until `test` holds for the build. */
export async function waitFor(client: BuildsClient, id: string, what: string, test: (b: Build) => boolean, timeoutMs = 120_000): Promise<Build> {
  const deadline = Date.now() + timeoutMs;
  let b: Build | undefined;
  while (Date.now() < deadline) {
    b = await client.get(id);
    if (test(b)) return b;
    await sleep(250);
  }
  throw new Error(`build ${id} did not become ${what} within ${timeoutMs / 1000}s (it is ${b ? BuildState[b.state] : "unknown"})`);
}
