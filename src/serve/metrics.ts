/** Prometheus text exposition of the service's counters, gauges and histograms; no dependency. */
import { type Server, createServer } from "node:http";

type Labels = Readonly<Record<string, string>>;

function labelText(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "";
  return `{${keys.map((k) => `${k}="${(labels[k] ?? "").replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`).join(",")}}`;
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge" | "histogram";
  render(): string[];
}

/** One value per label set. */
abstract class Labelled implements Family {
  abstract readonly type: "counter" | "gauge";
  protected readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  render(): string[] {
    return [...this.values].sort(([a], [b]) => (a < b ? -1 : 1)).map(([l, v]) => `${this.name}${l} ${v}`);
  }
}

export class Counter extends Labelled {
  readonly type = "counter";
  inc(labels: Labels = {}, by = 1): void {
    const k = labelText(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
}

export class Gauge extends Labelled {
  readonly type = "gauge";
  set(labels: Labels, value: number): void {
    this.values.set(labelText(labels), value);
  }
}

export class Histogram implements Family {
  readonly type = "histogram";
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }
  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (const [i, b] of this.buckets.entries()) if (value <= b) this.counts[i] = (this.counts[i] ?? 0) + 1;
  }
  render(): string[] {
    return [
      ...this.buckets.map((b, i) => `${this.name}_bucket{le="${b}"} ${this.counts[i] ?? 0}`),
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${this.sum}`,
      `${this.name}_count ${this.count}`,
    ];
  }
}

const SECONDS = [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export class ServeMetrics {
  readonly queueDepth = new Gauge("slimgo_queue_depth", "Builds waiting in the queue.");
  readonly builds = new Counter("slimgo_builds_total", "Finished builds by result.");
  readonly buildSeconds = new Histogram("slimgo_build_seconds", "Time from a build's start to its end.", SECONDS);
  readonly queueSeconds = new Histogram("slimgo_queue_seconds", "Time a build waited before it started.", SECONDS);
  readonly nodeRunning = new Gauge("slimgo_node_running", "Jobs running on each node.");
  readonly nodeHealthy = new Gauge("slimgo_node_healthy", "1 when the node answers ListWorkers.");
  readonly cachedVertices = new Counter("slimgo_cache_hits_total", "Build steps BuildKit answered from its cache.");
  readonly vertices = new Counter("slimgo_vertices_total", "Build steps completed.");
  readonly retries = new Counter("slimgo_build_retries_total", "Builds run again after their node was lost.");
  readonly refusedContexts = new Counter("slimgo_refused_contexts_total", "Uploaded contexts refused by the checks.");

  constructor() {
    // Unlabelled counters start at 0, so a scrape sees them before their first event.
    for (const c of [this.cachedVertices, this.vertices, this.retries, this.refusedContexts]) c.inc({}, 0);
    this.queueDepth.set({}, 0);
  }

  private families(): Family[] {
    return [this.queueDepth, this.builds, this.buildSeconds, this.queueSeconds, this.nodeRunning, this.nodeHealthy, this.cachedVertices, this.vertices, this.retries, this.refusedContexts];
  }

  text(): string {
    const lines: string[] = [];
    for (const f of this.families()) lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.render());
    return `${lines.join("\n")}\n`;
  }
}

/** GET /metrics on `host:port`; resolves with the bound address. */
export async function serveMetrics(metrics: ServeMetrics, hostPort: string): Promise<{ address: string; server: Server }> {
  const i = hostPort.lastIndexOf(":");
  const host = hostPort.slice(0, i).replace(/^\[|\]$/g, "");
  const port = Number(hostPort.slice(i + 1));
  const server = createServer((req, res) => {
    if (req.method === "GET" && (req.url === "/metrics" || req.url?.startsWith("/metrics?"))) {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(metrics.text());
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found: GET /metrics\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const a = server.address();
  const address = typeof a === "object" && a !== null ? `${a.family === "IPv6" ? `[${a.address}]` : a.address}:${a.port}` : hostPort;
  return { address, server };
}
