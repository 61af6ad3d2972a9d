/**
 * `healthcheck:` in exec form, as Docker's HEALTHCHECK CMD writes it into the
 * image config. The final image has no shell, so only a list is accepted.
 */
import { type Node, type Pair, isMap, isSeq } from "yaml";
import type { Problem } from "./checks.js";
import { type Report, describe, scalarText } from "./decode-field.js";
import type { Healthcheck } from "./types.js";

const EXAMPLE = "like healthcheck: {test: [/usr/local/bin/server, -healthcheck], interval: 30s, timeout: 5s, retries: 3}";
const DURATION_KEYS = ["interval", "timeout", "startPeriod", "startInterval"] as const;
const KEYS = ["test", ...DURATION_KEYS, "retries"];

/** Docker refuses a non-zero duration under 1ms; a day between probes is surely a typo. */
const MIN_NS = 1_000_000;
const MAX_NS = 24 * 3600 * 1e9;
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go-style duration ("30s", "1m30s", "500ms") → nanoseconds, or the problem. */
export function parseDuration(v: string): number | Problem {
  const text = v.trim();
  const parts = [...text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (text === "" || parts.map((p) => p[0]).join("") !== text) return { message: `"${v}" is not a duration`, hint: `like "30s", "1m30s" or "500ms"` };
  const ns = Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_NS[p[2] as string] as number), 0));
  if (ns < MIN_NS) return { message: `"${v}" is shorter than 1ms`, hint: "Docker refuses shorter health check durations; leave the key out for Docker's default" };
  if (ns > MAX_NS) return { message: `"${v}" is longer than 24h` };
  return ns;
}

/** The decoded healthcheck, or undefined when a problem was reported. */
export function decodeHealthcheck(node: Node, report: Report): Healthcheck | undefined {
  if (!isMap(node)) {
    const shell = scalarText(node) !== undefined;
    report(node, "healthcheck", {
      message: `expected {test, interval, timeout, startPeriod, retries}, got ${describe(node)}`,
      hint: shell ? `the image has no shell to run a command line: ${EXAMPLE}` : EXAMPLE,
    });
    return undefined;
  }
  const out: { test?: string[]; interval?: number; timeout?: number; startPeriod?: number; startInterval?: number; retries?: number } = {};
  let ok = true;
  const bad = (at: Node, path: string, problem: Problem) => {
    report(at, path, problem);
    ok = false;
  };
  for (const pair of node.items as Array<Pair<Node, Node | null>>) {
    const key = scalarText(pair.key);
    const value = pair.value;
    if (key === undefined || !KEYS.includes(key)) {
      bad(pair.key, "healthcheck", { message: `unknown key ${key === undefined ? describe(pair.key) : `"${key}"`}`, hint: `healthcheck has ${KEYS.join(", ")}` });
      continue;
    }
    const path = `healthcheck.${key}`;
    const at = (value ?? pair.key) as Node;
    if (key === "test") {
      const test = decodeTest(value, at, path, bad);
      if (test !== undefined) out.test = test;
      continue;
    }
    const text = scalarText(value);
    if (text === undefined) {
      bad(at, path, { message: `expected ${key === "retries" ? "a number" : "a duration"}, got ${describe(value)}` });
      continue;
    }
    if (key === "retries") {
      if (!/^[0-9]{1,4}$/.test(text)) bad(at, path, { message: `"${text}" is not a number of retries`, hint: "a whole number up to 9999, like 3" });
      else out.retries = Number(text);
      continue;
    }
    const ns = parseDuration(text);
    if (typeof ns === "number") out[key as (typeof DURATION_KEYS)[number]] = ns;
    else bad(at, path, ns);
  }
  if (ok && out.test === undefined) bad(node, "healthcheck", { message: "needs test: the command that checks the service", hint: EXAMPLE });
  return ok && out.test !== undefined ? { ...out, test: out.test } : undefined;
}

function decodeTest(value: Node | null, at: Node, path: string, bad: (at: Node, path: string, p: Problem) => void): string[] | undefined {
  if (!isSeq(value)) {
    const text = scalarText(value);
    const hint = text === undefined ? EXAMPLE : `the image has no shell; write the command as a list, like test: [${text.split(/\s+/).filter((w) => w !== "").join(", ")}]`;
    bad(at, path, { message: `expected a list (exec form), got ${describe(value)}`, hint });
    return undefined;
  }
  const words: string[] = [];
  for (const [i, item] of value.items.entries()) {
    const text = scalarText(item as Node);
    if (text === undefined) {
      bad(item as Node, `${path}[${i}]`, { message: `expected a string, got ${describe(item as Node)}` });
      return undefined;
    }
    words.push(text);
  }
  if (words.length === 0 || words[0] === "") {
    bad(at, path, { message: "the command is empty", hint: "name the program first, like [/usr/local/bin/server, -healthcheck]" });
    return undefined;
  }
  return words;
}
