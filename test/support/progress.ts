/** Step states and timings from plain BuildKit progress, matching the whole step name ("[linux/arm64] go build …"). */

export interface StepReport {
  /** "cached": BuildKit's cache had it, locally (`CACHED`) or from an imported cache (it only extracted layers). */
  readonly state: "cached" | "ran" | "absent";
  /** Longest `#N DONE 3.2s` among the matching steps that ran. */
  readonly seconds?: number;
}

/** Progress ids of the steps whose name ends with `name`. */
function stepIds(log: string, name: string): Set<string> {
  return new Set([...log.matchAll(/^#(\d+) (.*)$/gm)].filter((m) => (m[2] ?? "").trim().endsWith(name)).map((m) => m[1] ?? ""));
}

export function stepReport(log: string, name: string): StepReport {
  const ids = [...stepIds(log, name)];
  if (ids.length === 0) return { state: "absent" };
  const fromCache = (id: string) => new RegExp(`^#${id} (CACHED$|extracting sha256:)`, "m").test(log);
  if (ids.every(fromCache)) return { state: "cached" };
  const times = ids.flatMap((id) => [...log.matchAll(new RegExp(`^#${id} DONE ([\\d.]+)s$`, "gm"))].map((m) => Number(m[1])));
  return times.length === 0 ? { state: "ran" } : { state: "ran", seconds: Math.max(...times) };
}

export function describeStep(r: StepReport): string {
  return r.state === "ran" && r.seconds !== undefined ? `ran in ${r.seconds}s` : r.state;
}

/** Every progress line of the steps named `name`, for failure messages. */
export function stepLog(log: string, name: string): string {
  const ids = stepIds(log, name);
  return log
    .split("\n")
    .filter((line) => ids.has(/^#(\d+) /.exec(line)?.[1] ?? ""))
    .join("\n");
}
