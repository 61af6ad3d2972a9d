/** A scenario's BuildKit: handlers that serve its files and binaries and apply its faults. */
import { type FakeHandlers, FakeStatus } from "../../test/support/fake-gateway.js";
import { type SolvedKind, solvedKind } from "../../test/support/solved-kind.js";
import { ALL_CAPS, type Fault, type Method, type Scenario } from "./scenario.js";

/**
 * A reply that never comes. The in-process gateway lets a call with a
 * deadline run into it; a call without one (Solve, the read that runs a
 * build) is one BuildKit may rightly keep waiting, until the build ends or is
 * cancelled, so there it stands for the cancellation.
 */
export const NO_REPLY: Promise<never> = new Promise<never>(() => {});

const enc = new TextEncoder();
const NOT_FOUND = 5;
const GO_LIST = ".slimgo/go-list.txt";
// Unsigned: the bitwise or of the directory bit gives a negative int32, which uint32 fields refuse.
const MODE_DIR = 0x80000000;
const dirMode = (perm: number) => (MODE_DIR | perm) >>> 0;

/** The final image as ReadDir shows it (for --call size): a small, finite tree. */
const IMAGE_TREE: Readonly<Record<string, ReadonlyArray<{ path: string; mode: number; size: number }>>> = {
  "/": [
    { path: "usr", mode: dirMode(0o755), size: 0 },
    { path: "etc", mode: dirMode(0o755), size: 0 },
  ],
  "/usr": [{ path: "local", mode: dirMode(0o755), size: 0 }],
  "/usr/local": [{ path: "bin", mode: dirMode(0o755), size: 0 }],
  "/usr/local/bin": [{ path: "app", mode: 0o755, size: 1 << 20 }],
  "/etc": [{ path: "passwd", mode: 0o644, size: 64 }],
};

type RefKind = SolvedKind;

/** The handlers, and the binary served for each GOARCH. */
export function replies(s: Scenario, binaryFor: (goarch: string) => Uint8Array): FakeHandlers {
  const counts = new Map<string, number>();
  /** The faults of this call: the nth of its method, or the nth read of the build's output for `onBuild` faults. */
  const faultsFor = (method: Method, ref?: RefKind): Fault[] => {
    const count = (key: string) => {
      const n = counts.get(key) ?? 0;
      counts.set(key, n + 1);
      return n;
    };
    const n = count(method);
    const onBuild = ref?.kind === "build" ? count(`${method}:build`) : -1;
    return s.faults.filter((f) => {
      if (f.method !== method) return false;
      const build = "onBuild" in f && f.onBuild === true;
      if (build && onBuild < 0) return false;
      return f.nth === "all" || f.nth === (build ? onBuild : n);
    });
  };
  /** Faults every method can have: no reply at all (see NO_REPLY), or an error status. */
  const common = (faults: readonly Fault[]): Promise<never> | undefined => {
    for (const f of faults) {
      if (f.what === "no-reply") return NO_REPLY;
      if (f.what === "error") throw new FakeStatus(f.code, f.message);
    }
    return undefined;
  };
  const refs = new Map<string, RefKind>();
  let nextRef = 0;
  const file = (ref: RefKind | undefined, path: string): Uint8Array => {
    const clean = path.replace(/^\/+/, "");
    if (ref?.kind === "spec" && s.specFiles[clean] !== undefined) return enc.encode(s.specFiles[clean]);
    if (ref?.kind === "context" && s.contextFiles[clean] !== undefined) return enc.encode(s.contextFiles[clean]);
    if (ref?.kind === "build") return clean === GO_LIST ? enc.encode(s.goList) : binaryFor(ref.goarch);
    throw new FakeStatus(NOT_FOUND, `open ${path}: no such file or directory`);
  };
  const names = (ref: RefKind | undefined, dir: string): string[] => {
    const files = ref?.kind === "spec" ? s.specFiles : ref?.kind === "context" ? s.contextFiles : {};
    const prefix = dir.replace(/^\/+/, "").replace(/\/*$/, "");
    const under = Object.keys(files)
      .filter((p) => prefix === "" || p.startsWith(`${prefix}/`))
      .map((p) => (prefix === "" ? p : p.slice(prefix.length + 1)).split("/")[0] as string);
    return [...new Set(under)].sort();
  };

  return {
    ping: () => {
      const faults = faultsFor("ping");
      const stop = common(faults);
      if (stop) return stop;
      const caps = faults.find((f) => f.what === "caps");
      const workers = faults.find((f) => f.what === "workers");
      const list = (caps?.what === "caps" ? caps.caps : undefined) ?? ALL_CAPS;
      const platforms = (workers?.what === "workers" ? workers.platforms : undefined) ?? s.workers;
      const capList = list.map((ID) => ({ ID, Enabled: true }));
      return { FrontendAPICaps: capList, LLBCaps: capList, Workers: [{ ID: "w", platforms: platforms.map((p) => ({ ...p })) }] };
    },
    solve: (req) => {
      const faults = faultsFor("solve");
      const stop = common(faults);
      if (stop) return stop;
      const id = `ref${nextRef++}`;
      refs.set(id, solvedKind(req.Definition?.def ?? []));
      if (faults.some((f) => f.what === "empty-result")) return { result: { result: { case: "ref", value: { id: "" } } } };
      if (faults.some((f) => f.what === "refs-result")) return { result: { result: { case: "refs", value: { refs: { "linux/amd64": { id } } } } } };
      return { result: { result: { case: "ref", value: { id } } } };
    },
    readDir: (req) => {
      const faults = faultsFor("readDir");
      const stop = common(faults);
      if (stop) return stop;
      const odd = faults.find((f) => f.what === "entries");
      if (odd?.what === "entries") return { entries: odd.entries.map((e) => ({ path: e.path, mode: e.mode, size: BigInt(e.size) })) };
      const ref = refs.get(req.Ref);
      if (ref?.kind === "image") return { entries: (IMAGE_TREE[req.DirPath.replace(/\/+$/, "") || "/"] ?? []).map((e) => ({ ...e, size: BigInt(e.size) })) };
      return { entries: names(ref, req.DirPath).map((path) => ({ path })) };
    },
    readFile: (req) => {
      const faults = faultsFor("readFile", refs.get(req.Ref));
      const stop = common(faults);
      if (stop) return stop;
      const data = file(refs.get(req.Ref), req.FilePath);
      const start = Number(req.Range?.Offset ?? 0n);
      const asked = req.Range ? data.subarray(start, start + Number(req.Range.Length)) : data;
      const f = faults.find((x) => x.what === "longer" || x.what === "shorter" || x.what === "empty" || x.what === "garbage");
      if (f?.what === "longer") return { Data: Uint8Array.from([...asked, ...enc.encode("trailing bytes past the range")]) };
      if (f?.what === "shorter") return { Data: asked.subarray(0, asked.length >> 1) };
      if (f?.what === "empty") return { Data: new Uint8Array(0) };
      if (f?.what === "garbage") return { Data: enc.encode("\u0000\uffff garbage \u0007".repeat(8)) };
      return { Data: asked };
    },
    statFile: (req) => {
      const faults = faultsFor("statFile", refs.get(req.Ref));
      const stop = common(faults);
      if (stop) return stop;
      if (faults.some((f) => f.what === "no-stat")) return {};
      const ref = refs.get(req.Ref);
      const size = faults.find((f) => f.what === "size");
      if (size?.what === "size") return { stat: { path: req.Path, size: BigInt(size.size) } };
      if (ref?.kind !== "build") throw new FakeStatus(NOT_FOUND, `stat ${req.Path}: no such file or directory`);
      return { stat: { path: req.Path, size: BigInt(binaryFor(ref.goarch).length), mode: 0o755 } };
    },
    resolveImageConfig: (req) => {
      const faults = faultsFor("resolveImageConfig");
      const stop = common(faults);
      if (stop) return stop;
      const odd = faults.find((f) => f.what === "config");
      const config = odd?.what === "config" ? odd.config : JSON.stringify({ os: "linux", architecture: req.Platform?.Architecture ?? "amd64", config: { Env: ["PATH=/usr/local/go/bin:/usr/bin:/bin", "GOPATH=/go"], WorkingDir: "/go" } });
      return { Digest: `sha256:${"0".repeat(64)}`, Ref: req.Ref, Config: enc.encode(config) };
    },
    warn: () => {
      const stop = common(faultsFor("warn"));
      if (stop) return stop;
      return {};
    },
  };
}
