/** Long-running test daemons in their own process group, stopped with everything they started. */
import { spawn } from "node:child_process";
import { openSync, closeSync, readFileSync } from "node:fs";

export interface Daemon {
  readonly pid: number;
  readonly log: string;
  /** The last lines of the daemon's log, for failure messages. */
  tail(lines?: number): string;
  stop(): Promise<void>;
}

export function startDaemon(cmd: string, args: readonly string[], log: string): Daemon {
  const fd = openSync(log, "a");
  const child = spawn(cmd, args, { detached: true, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${cmd}: is it installed? (run scripts/buildkit/setup.sh)`);
  const pid = child.pid;
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  child.unref();
  return {
    pid,
    log,
    tail: (lines = 30) => readFileSync(log, "utf8").split("\n").slice(-lines).join("\n"),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signal(pid, "SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<boolean>((ok) => (timer = setTimeout(() => ok(true), 15_000)));
      const timedOut = await Promise.race([exited.then(() => false), deadline]);
      clearTimeout(timer); // a pending timer would hold the test process open
      if (timedOut) {
        signal(pid, "SIGKILL");
        await exited;
      }
    },
  };
}

/** Signal the whole process group the daemon leads. */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // already gone
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}

/** Poll `probe` until it returns true; fail naming `what` and the log tail. */
export async function waitFor(what: string, probe: () => Promise<boolean>, daemon: Daemon, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await sleep(250);
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000}s; log ${daemon.log}:\n${daemon.tail()}`);
}
