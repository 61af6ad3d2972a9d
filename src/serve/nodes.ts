/**
 * The BuildKit nodes and their health: each is asked ListWorkers every few
 * seconds; one that does not answer is drained (no new jobs) and the jobs
 * running on it are handed back through `onLost`.
 */
import type { Logger } from "pino";
import { parseAddress } from "../client/address.js";
import { type Connection, connect } from "../client/connect.js";
import { ControlClient } from "../client/control.js";
import type { NodeConfig } from "./config.js";
import type { NodeView } from "./scheduler.js";

/** A health check waits this long for ListWorkers. */
const CHECK_TIMEOUT_MS = 3000;

export interface NodeState {
  readonly config: NodeConfig;
  healthy: boolean;
  /** Why it is unhealthy, one line. */
  error: string;
  /** Job ids running there. */
  readonly running: Set<string>;
}

export class NodePool {
  readonly nodes: ReadonlyMap<string, NodeState>;
  private readonly conns = new Map<string, Connection>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    configs: readonly NodeConfig[],
    private readonly log: Logger,
    private readonly onChange: (node: NodeState, wasHealthy: boolean) => void,
    /** Asks a node for its workers; tests pass a stand-in. */
    private readonly probe?: (node: NodeConfig) => Promise<void>,
  ) {
    this.nodes = new Map(configs.map((c) => [c.name, { config: c, healthy: false, error: "not checked yet", running: new Set<string>() }]));
  }

  views(): NodeView[] {
    return [...this.nodes.values()].map((n) => ({ name: n.config.name, platforms: n.config.platforms, healthy: n.healthy, running: n.running.size, maxBuilds: n.config.maxBuilds }));
  }

  /** Check every node now, then every `intervalMs`. */
  async start(intervalMs: number): Promise<void> {
    await this.checkAll();
    const loop = () => {
      this.timer = setTimeout(() => {
        void this.checkAll().finally(() => {
          if (this.timer !== undefined) loop();
        });
      }, intervalMs);
      this.timer.unref();
    };
    loop();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const c of this.conns.values()) c.close();
    this.conns.clear();
  }

  /** Mark a node lost at once (a job saw it fail); the next check may bring it back. */
  markLost(name: string, error: string): void {
    const n = this.nodes.get(name);
    if (n === undefined || !n.healthy) return;
    n.healthy = false;
    n.error = error;
    this.dropConnection(name);
    this.onChange(n, true);
  }

  /** Check one node now; resolves with whether it answered. */
  async checkNow(name: string): Promise<boolean> {
    const n = this.nodes.get(name);
    if (n === undefined) return false;
    await this.check(n);
    return n.healthy;
  }

  private async checkAll(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => this.check(n)));
  }

  private async check(n: NodeState): Promise<void> {
    const was = n.healthy;
    try {
      if (this.probe !== undefined) await this.probe(n.config);
      else await this.listWorkers(n);
      n.healthy = true;
      n.error = "";
    } catch (err) {
      n.healthy = false;
      n.error = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
      this.dropConnection(n.config.name);
    }
    if (was !== n.healthy) {
      if (n.healthy) this.log.info({ node: n.config.name }, "node healthy");
      else this.log.warn({ node: n.config.name, error: n.error }, "node unhealthy: drained");
      this.onChange(n, was);
    }
  }

  private async listWorkers(n: NodeState): Promise<void> {
    let conn = this.conns.get(n.config.name);
    if (conn === undefined) {
      conn = await connect(parseAddress(n.config.addr, n.config.tls));
      this.conns.set(n.config.name, conn);
    }
    await new ControlClient(conn).listWorkers({ timeoutMs: CHECK_TIMEOUT_MS });
  }

  private dropConnection(name: string): void {
    this.conns.get(name)?.close();
    this.conns.delete(name);
  }
}
