/**
 * The immutable State: one output of the graph plus the exec settings (dir,
 * env, user, platform, network) that later ops read. Every method returns a
 * new State; nothing is ever changed in place.
 */
import { LlbError } from "./errors.js";
import { ExecOp, type ExecBase, type NetworkMode, type RunOptions } from "./exec-op.js";
import type { FileActionChain } from "./file-action.js";
import { FileOp } from "./file-op.js";
import { isAbs, join } from "./go-path.js";
import { normalizePlatform, type Platform } from "./platform.js";
import type { SourceLocation } from "./source-map.js";
import type { Output, Vertex } from "./vertex.js";

type StateData = ExecBase;

const NETWORKS: ReadonlySet<string> = new Set(["sandbox", "host", "none"]);

export class State {
  protected readonly data: StateData;

  protected constructor(data: StateData) {
    this.data = Object.freeze({ ...data, env: Object.freeze(data.env.map((e) => Object.freeze([e[0], e[1]] as const))) });
    if (new.target === State) Object.freeze(this);
  }

  /** A fresh state on an output (undefined = scratch): dir "/", no env, the output's platform. */
  static fromOutput(output: Output | undefined): State {
    return new State({
      output,
      dir: "/",
      env: [],
      user: "",
      platform: output?.platform !== undefined ? normalizePlatform(output.platform) : undefined,
      network: "sandbox",
    });
  }

  /** The same settings and output, as a plain State (used by ExecState.root). */
  protected static fromData(data: StateData): State {
    return new State(data);
  }

  /** The output this state points at; undefined for scratch. */
  output(): { readonly vertex: Vertex; readonly index: number } | undefined {
    return this.data.output;
  }

  /** Sets the working directory; a relative path joins the current one. */
  dir(path: string): State {
    const value = isAbs(path) ? path : join(this.data.dir === "" ? "/" : this.data.dir, path);
    return this.#with({ dir: value });
  }

  /** The working directory execs start in and relative file paths resolve against. */
  getDir(): string {
    return this.data.dir;
  }

  /** Sets an env var; setting an existing key moves it to the end, as Go's EnvList orders them. */
  addEnv(key: string, value: string): State {
    return this.#with({ env: [...this.data.env.filter(([k]) => k !== key), [key, value]] });
  }

  /** The env execs get, in order; a copy the caller may not mutate. */
  env(): ReadonlyArray<[string, string]> {
    return Object.freeze(this.data.env.map(([k, v]): [string, string] => [k, v]));
  }

  /** Sets the user later execs run as. */
  user(u: string): State {
    return this.#with({ user: u });
  }

  getUser(): string {
    return this.data.user;
  }

  /** Sets the platform execs on this state run on (normalised, like Go's). */
  platform(p: Platform): State {
    return this.#with({ platform: normalizePlatform(p) });
  }

  getPlatform(): Platform | undefined {
    return this.data.platform;
  }

  /** Sets the network mode later execs use. */
  network(mode: NetworkMode): State {
    if (!NETWORKS.has(mode)) throw new LlbError(`network: unknown mode ${JSON.stringify(mode)}`);
    return this.#with({ network: mode });
  }

  getNetwork(): NetworkMode {
    return this.data.network;
  }

  /** Runs a command with this state as its root filesystem. */
  run(opts: RunOptions): ExecState {
    let base: State = this;
    for (const [k, v] of opts.env ?? []) base = base.addEnv(k, v);
    if (opts.dir !== undefined) base = base.dir(opts.dir);
    if (opts.user !== undefined) base = base.user(opts.user);
    if (opts.network !== undefined) base = base.network(opts.network);
    const exec = new ExecOp(base.data, opts);
    return new ExecState(this.#withOutput(exec.root).data, exec);
  }

  /** Applies file actions (mkdir, mkfile, copy) to this state. */
  file(action: FileActionChain, opts?: { customName?: string; source?: SourceLocation | ReadonlyArray<SourceLocation> }): State {
    const op = new FileOp({ output: this.data.output, dir: this.data.dir }, action, opts ?? {});
    return this.#withOutput(op.output);
  }

  /** Same settings on another output; the output's platform, if it has one, wins. */
  #withOutput(output: Output): State {
    return this.#with({
      output,
      ...(output.platform !== undefined ? { platform: normalizePlatform(output.platform) } : {}),
    });
  }

  #with(patch: Partial<StateData>): State {
    return new State({ ...this.data, ...patch });
  }
}

/** The result of `run`: the exec's root filesystem, with access to its other mounts. */
export class ExecState extends State {
  readonly #exec: ExecOp;

  /** @internal built by State.run */
  constructor(data: StateData, exec: ExecOp) {
    super(data);
    this.#exec = exec;
    Object.freeze(this);
  }

  /** The root filesystem after the command, as a plain State. */
  root(): State {
    return State.fromData(this.data);
  }

  /** A fresh state on what the command left in a writable mount (or the source of a read-only one). */
  getMount(dest: string): State {
    return State.fromOutput(this.#exec.mountOutput(dest));
  }
}

/** An empty filesystem. */
export function scratch(): State {
  return State.fromOutput(undefined);
}
