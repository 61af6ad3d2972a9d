/**
 * Which queued job runs on which node, decided without I/O: fair share
 * between tenants (the tenant with the fewest running jobs goes first, ties
 * to the one served longest ago), each tenant's maxRunning, each node's
 * maxBuilds, the platform, and cache affinity (the node that last built the
 * same repository and platform, when it has room).
 */

/** One unit of work: a build, or one platform of a multi-platform build. */
export interface Job {
  readonly id: string;
  readonly tenant: string;
  /** os/arch, or "" for the node's own platform. */
  readonly platform: string;
  readonly repository: string;
  /** The node it was lost on: used again only when no other healthy node builds its platform. */
  readonly avoid?: string;
}

export interface NodeView {
  readonly name: string;
  readonly platforms: readonly string[];
  readonly healthy: boolean;
  readonly running: number;
  readonly maxBuilds: number;
}

export interface TenantView {
  readonly maxRunning: number;
  readonly running: number;
}

export interface Assignment {
  readonly job: Job;
  readonly node: string;
  /** The node was picked because it built this repository and platform last. */
  readonly affinity: boolean;
}

export interface ScheduleInput {
  /** Queued jobs, oldest first. */
  readonly queue: readonly Job[];
  readonly nodes: readonly NodeView[];
  readonly tenants: ReadonlyMap<string, TenantView>;
  /** `affinityKey(repository, platform)` → the node that built it last. */
  readonly lastBuilt: ReadonlyMap<string, string>;
  /** tenant → a counter value of its last start (higher is more recent); updated by schedule(). */
  readonly lastServed: Map<string, number>;
}

export function affinityKey(repository: string, platform: string): string {
  return `${repository}\n${platform}`;
}

let serveCounter = 0;

export function schedule(input: ScheduleInput): Assignment[] {
  const nodeRunning = new Map(input.nodes.map((n) => [n.name, n.running]));
  const tenantRunning = new Map([...input.tenants].map(([name, t]) => [name, t.running]));
  const byTenant = new Map<string, Job[]>();
  for (const job of input.queue) {
    const list = byTenant.get(job.tenant);
    if (list) list.push(job);
    else byTenant.set(job.tenant, [job]);
  }
  const out: Assignment[] = [];
  const blocked = new Set<string>();
  for (;;) {
    const candidates = [...byTenant.keys()].filter((t) => !blocked.has(t) && (byTenant.get(t)?.length ?? 0) > 0 && (tenantRunning.get(t) ?? 0) < (input.tenants.get(t)?.maxRunning ?? 0));
    if (candidates.length === 0) return out;
    candidates.sort((a, b) => (tenantRunning.get(a) ?? 0) - (tenantRunning.get(b) ?? 0) || (input.lastServed.get(a) ?? -1) - (input.lastServed.get(b) ?? -1) || (a < b ? -1 : 1));
    const tenant = candidates[0] as string;
    const jobs = byTenant.get(tenant) ?? [];
    let placed = false;
    for (const [i, job] of jobs.entries()) {
      const pick = pickNode(job, input, nodeRunning);
      if (pick === undefined) continue;
      jobs.splice(i, 1);
      nodeRunning.set(pick.node, (nodeRunning.get(pick.node) ?? 0) + 1);
      tenantRunning.set(tenant, (tenantRunning.get(tenant) ?? 0) + 1);
      input.lastServed.set(tenant, ++serveCounter);
      out.push({ job, ...pick });
      placed = true;
      break;
    }
    if (!placed) blocked.add(tenant);
  }
}

function pickNode(job: Job, input: ScheduleInput, running: ReadonlyMap<string, number>): { node: string; affinity: boolean } | undefined {
  const able = input.nodes.filter((n) => n.healthy && (job.platform === "" || n.platforms.includes(job.platform)));
  // The node a job was lost on is avoided while another can build its platform at all.
  const others = able.filter((n) => n.name !== job.avoid);
  const fits = (others.length > 0 ? others : able).filter((n) => (running.get(n.name) ?? 0) < n.maxBuilds);
  if (fits.length === 0) return undefined;
  const last = input.lastBuilt.get(affinityKey(job.repository, job.platform));
  if (last !== undefined && fits.some((n) => n.name === last)) return { node: last, affinity: true };
  const load = (n: NodeView) => (running.get(n.name) ?? 0) / n.maxBuilds;
  const best = [...fits].sort((a, b) => load(a) - load(b) || (a.name < b.name ? -1 : 1))[0] as NodeView;
  return { node: best.name, affinity: false };
}
