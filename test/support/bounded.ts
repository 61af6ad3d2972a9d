/**
 * Hostile inputs must cost little: a bound on the CPU time this process
 * spends and on how much its peak memory grows. CPU time, not wall time, so
 * other work on a loaded machine cannot fail the bound.
 */
import assert from "node:assert/strict";

/** Milliseconds of CPU (user + system) this process has spent so far. */
export function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The CPU milliseconds `fn` takes, synchronously. */
export function cpuMs(fn: () => void): number {
  const start = cpuNow();
  fn();
  return cpuNow() - start;
}

export interface Bounds {
  /** CPU seconds; generous (the inputs take well under a second). */
  readonly seconds?: number;
  /** MiB the peak resident set may grow by. */
  readonly mib?: number;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/**
 * Run `fn` and assert it stayed within `bounds` (3 s and 256 MiB by default), whether it returned or threw.
 * The peak resident set only grows, so build the input before calling this.
 */
export async function withinBounds<T>(what: string, fn: () => T | Promise<T>, bounds: Bounds = {}): Promise<Outcome<T>> {
  const { seconds = 3, mib = 256 } = bounds;
  const peak = process.resourceUsage().maxRSS;
  const start = cpuNow();
  let outcome: Outcome<T>;
  try {
    outcome = { ok: true, value: await fn() };
  } catch (error) {
    outcome = { ok: false, error };
  }
  const took = (cpuNow() - start) / 1000;
  const grew = (process.resourceUsage().maxRSS - peak) / 1024;
  assert.ok(took <= seconds, `${what}: took ${took.toFixed(2)} s of CPU, the bound is ${seconds} s`);
  assert.ok(grew <= mib, `${what}: peak memory grew by ${grew.toFixed(0)} MiB, the bound is ${mib} MiB`);
  return outcome;
}

/** The value of an outcome that must have succeeded. */
export function succeeded<T>(outcome: Outcome<T>, what: string): T {
  if (!outcome.ok) assert.fail(`${what}: ${String(outcome.error)}`);
  return outcome.value;
}

/** Assert that an outcome failed with `type` and a one-line message matching `message`. */
export function failedWith(outcome: Outcome<unknown>, type: abstract new (...args: never[]) => Error, message: RegExp, what: string): void {
  if (outcome.ok) assert.fail(`${what}: expected ${type.name}, got a result`);
  assert.ok(outcome.error instanceof type, `${what}: expected ${type.name}, got ${String(outcome.error)}`);
  assert.match(outcome.error.message, message, what);
  assert.ok(!outcome.error.message.includes("\n"), `${what}: the message is not one line`);
}
