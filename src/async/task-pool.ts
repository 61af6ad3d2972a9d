/**
 * Runs async tasks at most `limit` at a time; a running task may add more.
 * `done()` settles when every task has ended: with the first error, once the
 * tasks already running have ended too (none is left behind), and no new task
 * starts after an error.
 */
export class TaskPool {
  private readonly queue: Array<() => Promise<void>> = [];
  private running = 0;
  private failure: { readonly error: unknown } | undefined;
  private readonly settled: Promise<void>;
  private settle!: { resolve: () => void; reject: (err: unknown) => void };

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`task pool limit ${limit}: want a whole number ≥ 1`);
    this.settled = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // done() may never be awaited after a failure; the rejection is still observed.
    this.settled.catch(() => {});
  }

  add(task: () => Promise<void>): void {
    this.queue.push(task);
    this.pump();
  }

  done(): Promise<void> {
    this.pump();
    return this.settled;
  }

  private pump(): void {
    while (this.running < this.limit && this.queue.length > 0 && this.failure === undefined) {
      const task = this.queue.shift() as () => Promise<void>;
      this.running++;
      Promise.resolve()
        .then(task)
        .catch((error: unknown) => void (this.failure ??= { error }))
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
    if (this.running > 0) return;
    if (this.failure !== undefined) this.settle.reject(this.failure.error);
    else if (this.queue.length === 0) this.settle.resolve();
  }
}
