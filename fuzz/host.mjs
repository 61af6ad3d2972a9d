// A child process that hosts one campaign worker thread (see worker-handle.ts). Plain JavaScript, so
// starting it costs no TypeScript loader; the thread registers its own (boot.mjs).
//
// The thread has heap limits (resourceLimits), but V8 may still abort the whole process when a single
// builtin allocates past them; in a process of its own that abort costs one worker, and the campaign
// learns from the last slot relayed which input was running. Messages: ToHost and FromHost in protocol.ts.
import { Session } from "node:inspector";
import { Worker } from "node:worker_threads";

// protocol.ts SLOT: [running, index, started, family].
const SLOT = { running: 0, index: 1, started: 2, family: 3, size: 4 };
const RELAY_MS = 25;
const SAMPLE_TIMEOUT_MS = 1000;
const BOOT = new URL("./boot.mjs", import.meta.url);
const ENTRY = new URL("./worker.ts", import.meta.url).href;

const send = (m) => process.send?.(m);
let worker;
let view;

// The worker's stack right now, through the inspector: a busy loop cannot answer messages, but the
// debugger can pause it. `new Error().stack` in the paused frame is source-mapped, so it names .ts lines.
function sampleStack() {
  const session = new Session();
  session.connect();
  let sessionId;
  let nextId = 0;
  const replies = new Map();
  const call = (method, params = {}) =>
    new Promise((resolve) => {
      const id = ++nextId;
      replies.set(id, resolve);
      session.post("NodeWorker.sendMessageToWorker", { sessionId, message: JSON.stringify({ id, method, params }) });
    });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), SAMPLE_TIMEOUT_MS);
    const done = (stack) => {
      clearTimeout(timer);
      resolve(stack);
    };
    session.on("NodeWorker.attachedToWorker", (m) => {
      if (sessionId !== undefined || m.params.workerInfo.url !== BOOT.href) return;
      sessionId = m.params.sessionId;
      void call("Debugger.enable").then(() => call("Debugger.pause"));
    });
    session.on("NodeWorker.receivedMessageFromWorker", (m) => {
      const msg = JSON.parse(m.params.message);
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

function start({ config, resourceLimits }) {
  const slot = new SharedArrayBuffer(SLOT.size * Float64Array.BYTES_PER_ELEMENT);
  view = new Float64Array(slot);
  const w = new Worker(BOOT, { workerData: { ...config, entry: ENTRY, slot }, resourceLimits, stdout: true, stderr: true });
  worker = w;
  // The code under test may print (yaml warnings, loggers); keep the tail of stderr for a worker that dies.
  let stderrTail = "";
  w.stdout.resume();
  w.stderr.on("data", (c) => (stderrTail = (stderrTail + c.toString("utf8")).slice(-2000)));
  let oom = false;
  let detail = "";
  let last = "";
  const relay = () => {
    const state = { running: view[SLOT.running] === 1, index: view[SLOT.index], family: view[SLOT.family], started: view[SLOT.started] };
    const key = `${state.running}/${state.index}`;
    if (key === last) return;
    last = key;
    send({ type: "slot", ...state });
  };
  setInterval(relay, RELAY_MS).unref();
  w.on("message", (message) => send({ type: "from-worker", message }));
  w.on("error", (err) => {
    oom ||= err.code === "ERR_WORKER_OUT_OF_MEMORY";
    detail = err.stack ?? err.message;
  });
  w.on("exit", (code) => {
    relay();
    const tail = stderrTail.trim().split("\n").slice(-3).join(" | ");
    send({ type: "worker-exit", code, oom, detail: [detail, tail].filter(Boolean).join("; stderr: ") });
    process.disconnect?.();
  });
}

process.on("message", (m) => {
  if (m.type === "to-worker") worker?.postMessage(m.message);
  // The index is read while the worker is paused, so the stack belongs to it.
  else if (m.type === "sample") void sampleStack().then((stack) => send({ type: "sample", stack, index: view?.[SLOT.index] ?? -1 }));
  else start(m);
});
// The campaign going away ends this process too.
process.on("disconnect", () => process.exit(0));
