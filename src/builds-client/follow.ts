/** Following one build on the service: its progress through a printer, its state changes as lines, its verdict as an exit code. */
import { type Build, BuildState } from "../gen/slimgo/v1/builds_pb.js";
import type { Printer } from "../client/progress/index.js";
import { RpcError } from "../gateway/rpc.js";
import type { BuildsClient } from "./builds-client.js";
import { ServerError } from "./server-address.js";

/** After Ctrl-C has asked the service to cancel, wait this long for it to say so. */
const CANCEL_WAIT_MS = 15_000;

export const STATE_NAMES: Readonly<Record<BuildState, string>> = {
  [BuildState.UNSPECIFIED]: "unknown",
  [BuildState.QUEUED]: "queued",
  [BuildState.RUNNING]: "running",
  [BuildState.SUCCEEDED]: "succeeded",
  [BuildState.FAILED]: "failed",
  [BuildState.CANCELLED]: "cancelled",
};

export function isFinished(b: Build): boolean {
  return b.state === BuildState.SUCCEEDED || b.state === BuildState.FAILED || b.state === BuildState.CANCELLED;
}

/** 0 succeeded, 130 cancelled, 1 anything else. */
export function exitCode(b: Build): number {
  return b.state === BuildState.SUCCEEDED ? 0 : b.state === BuildState.CANCELLED ? 130 : 1;
}

/**
 * Watches `id` to its end and returns the exit code. The first abort of
 * `interrupt` asks the service to cancel the build and keeps watching (a
 * bounded while) so the verdict is the service's.
 */
export async function follow(client: BuildsClient, id: string, printer: Printer, err: (s: string) => void, interrupt: AbortSignal): Promise<number> {
  let last: Build | undefined;
  let said = "";
  const stop = new AbortController();
  const onInterrupt = () => {
    err(`slimgo: cancelling build ${id}\n`);
    client.cancel(id).catch((e: unknown) => err(`slimgo: ${e instanceof Error ? e.message : String(e)}\n`));
    setTimeout(() => stop.abort(), CANCEL_WAIT_MS).unref();
  };
  if (interrupt.aborted) onInterrupt();
  else interrupt.addEventListener("abort", onInterrupt, { once: true });
  try {
    await client.watch(
      id,
      (e) => {
        if (e.event.case === "status") printer.update(e.event.value);
        else if (e.event.case === "build") {
          last = e.event.value;
          const line = stateLine(last);
          if (line !== said && !isFinished(last)) err(`slimgo: ${line}\n`);
          said = line;
        }
      },
      stop.signal,
    );
  } catch (e) {
    if (!(e instanceof RpcError && stop.signal.aborted)) throw e;
  } finally {
    interrupt.removeEventListener("abort", onInterrupt);
    printer.end();
  }
  // A stream that ended without a verdict (the service restarted): ask once.
  if (last === undefined || !isFinished(last)) last = await client.get(id);
  if (!isFinished(last)) {
    if (interrupt.aborted) return 130;
    throw new ServerError(`build ${id} is still ${STATE_NAMES[last.state]} but the service stopped sending its progress: follow it with \`slimgo builds watch ${id}\``);
  }
  err(`slimgo: ${verdictLine(last)}\n`);
  return exitCode(last);
}

function stateLine(b: Build): string {
  const on = b.node === "" ? "" : ` on ${b.node}`;
  const attempt = b.attempts > 1 ? ` (attempt ${b.attempts})` : "";
  return `build ${b.id} ${STATE_NAMES[b.state]}${on}${attempt}`;
}

/** `build ID succeeded on n1 in 12.3s: linux/amd64 sha256:…`, or the error. */
export function verdictLine(b: Build): string {
  const took = b.started !== undefined && b.finished !== undefined ? ` in ${((Number(b.finished.seconds - b.started.seconds) * 1000 + (b.finished.nanos - b.started.nanos) / 1e6) / 1000).toFixed(1)}s` : "";
  const digests = Object.entries(b.digests)
    .sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0))
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  const why = b.state === BuildState.SUCCEEDED ? (digests === "" ? "" : `: ${digests}`) : b.error === "" ? "" : `: ${b.error}`;
  return `${stateLine(b)}${took}${why}`;
}
