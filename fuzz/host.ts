/**
 * A child process that hosts one campaign worker thread. The thread has heap
 * limits (resourceLimits), but V8 may still abort the whole process when a
 * single builtin allocates past them; in a process of its own that abort costs
 * one worker, and the campaign learns from the last slot relayed which input
 * was running. Its RSS is the worker's memory, read from /proc by the campaign.
 */
import { Session } from "node:inspector";
import { Worker, type ResourceLimits } from "node:worker_threads";
import { SLOT, type FromWorker, type ToWorker, type WorkerConfig } from "./protocol.js";

export type ToHost =
  | { readonly type: "start"; readonly config: Omit<WorkerConfig, "slot" | "entry">; readonly resourceLimits: ResourceLimits }
  | { readonly type: "to-worker"; readonly message: ToWorker }
  /** Pause the worker where it is and report its stack (a hang is about to be killed). */
  | { readonly type: "sample" };

export type FromHost =
  | { readonly type: "from-worker"; readonly message: FromWorker }
  /** What the worker is running, sent whenever it changes (checked every RELAY_MS). */
  | { readonly type: "slot"; readonly running: boolean; readonly index: number; readonly family: number; readonly started: number }
  | { readonly type: "worker-exit"; readonly code: number; readonly oom: boolean; readonly detail: string }
  /** The stack of the input the worker was running when paused. */
  | { readonly type: "sample"; readonly stack: string | undefined; readonly index: number };

const RELAY_MS = 25;
const BOOT = new URL("./boot.mjs", import.meta.url);
const ENTRY = new URL("./worker.ts", import.meta.url).href;

const send = (m: FromHost) => process.send?.(m);
let worker: Worker | undefined;
let view: Float64Array | undefined;

const SAMPLE_TIMEOUT_MS = 1000;

/**
 * The worker's stack right now, through the inspector: a busy loop in the
 * worker cannot answer messages, but the debugger can pause it. The stack is
 * taken with `new Error().stack` in the paused frame, so it is source-mapped.
 */
function sampleStack(): Promise<string | undefined> {
  const session = new Session();
  session.connect();
  let sessionId: string | undefined;
  let nextId = 0;
  const replies = new Map<number, (r: { result?: { result?: { value?: unknown } } }) => void>();
  const call = (method: string, params: object = {}) =>
    new Promise<{ result?: { result?: { value?: unknown } } }>((resolve) => {
      const id = ++nextId;
      replies.set(id, resolve);
      session.post("NodeWorker.sendMessageToWorker", { sessionId, message: JSON.stringify({ id, method, params }) });
    });
  return new Promise<string | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), SAMPLE_TIMEOUT_MS);
    const done = (stack: string | undefined) => {
      clearTimeout(timer);
      resolve(stack);
    };
    session.on("NodeWorker.attachedToWorker", (m: { params: { sessionId: string; workerInfo: { url: string } } }) => {
      if (sessionId !== undefined || m.params.workerInfo.url !== BOOT.href) return;
      sessionId = m.params.sessionId;
      void call("Debugger.enable").then(() => call("Debugger.pause"));
    });
    session.on("NodeWorker.receivedMessageFromWorker", (m: { params: { message: string } }) => {
      const msg = JSON.parse(m.params.message) as { id?: number; method?: string; params?: { callFrames?: Array<{ callFrameId: string }> }; result?: { result?: { value?: unknown } } };
      if (msg.id !== undefined) {
        replies.get(msg.id)?.(msg);
        replies.delete(msg.id);
        return;
      }
      const top = msg.method === "Debugger.paused" ? msg.params?.callFrames?.[0] : undefined;
      if (top === undefined) return;
      void call("Debugger.evaluateOnCallFrame", { callFrameId: top.callFrameId, expression: "new Error().stack" }).then((r) => {
        const value = r.result?.result?.value;
        done(typeof value === "string" ? value : undefined);
      });
    });
    session.post("NodeWorker.enable", { waitForDebuggerOnStart: false });
  }).finally(() => session.disconnect());
}

process.on("message", (m: ToHost) => {
  if (m.type === "to-worker") {
    worker?.postMessage(m.message);
    return;
  }
  if (m.type === "sample") {
    // The index is read while the worker is paused, so the stack belongs to it.
    void sampleStack().then((stack) => send({ type: "sample", stack, index: view?.[SLOT.index] ?? -1 }));
    return;
  }
  const slot = new SharedArrayBuffer(SLOT.size * Float64Array.BYTES_PER_ELEMENT);
  view = new Float64Array(slot);
  const w = new Worker(BOOT, { workerData: { ...m.config, entry: ENTRY, slot } satisfies WorkerConfig, resourceLimits: m.resourceLimits, stdout: true, stderr: true });
  worker = w;
  // The code under test may print (yaml warnings, loggers); keep the tail of stderr for a worker that dies.
  let stderrTail = "";
  w.stdout.resume();
  w.stderr.on("data", (c: Buffer) => (stderrTail = (stderrTail + c.toString("utf8")).slice(-2000)));
  let oom = false;
  let detail = "";
  w.on("message", (message: FromWorker) => send({ type: "from-worker", message }));
  w.on("error", (err: Error & { code?: string }) => {
    oom ||= err.code === "ERR_WORKER_OUT_OF_MEMORY";
    detail = err.stack ?? err.message;
  });
  w.on("exit", (code) => {
    relay();
    const tail = stderrTail.trim().split("\n").slice(-3).join(" | ");
    send({ type: "worker-exit", code, oom, detail: [detail, tail].filter(Boolean).join("; stderr: ") });
    process.disconnect?.();
  });
  let last = "";
  const relay = () => {
    const v = view as Float64Array;
    const state = { running: v[SLOT.running] === 1, index: v[SLOT.index] ?? -1, family: v[SLOT.family] ?? -1, started: v[SLOT.started] ?? 0 };
    const key = `${state.running}/${state.index}`;
    if (key === last) return;
    last = key;
    send({ type: "slot", ...state });
  };
  setInterval(relay, RELAY_MS).unref();
});
// The campaign going away ends this process too.
process.on("disconnect", () => process.exit(0));
